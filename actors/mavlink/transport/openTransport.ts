/**
 * Opens the transport for an endpoint, or wraps an in-process link end (`--sim`, tests,
 * benchmarks), which is always up and never announces.
 */
import type { LinkEnd } from '../sim/lossyLink.ts'
import type { Endpoint } from './endpoint.ts'
import { serialTransport } from './serialTransport.ts'
import type { Timers, Transport, TransportHandlers } from './Transport.ts'
import { tcpTransport } from './tcpTransport.ts'
import { udpTransport } from './udpTransport.ts'

/** Where the proxy's bytes go: an endpoint, or an in-process link end. */
export type TransportTarget =
  | Endpoint
  | { readonly kind: 'link'; readonly end: LinkEnd; readonly name: string }

/**
 * Opens `target`.
 *
 * @category transports
 */
export function openTransport(
  target: TransportTarget,
  handlers: TransportHandlers,
  timers: Timers,
): Transport {
  switch (target.kind) {
    case 'udpin':
    case 'udpout':
      return udpTransport({ ...target, kind: target.kind }, handlers, timers)
    case 'tcp':
    case 'tcpin':
      return tcpTransport({ ...target, kind: target.kind }, handlers, timers)
    case 'serial':
      return serialTransport(target, handlers, timers)
    case 'link': {
      let open = true
      target.end.onData((chunk) => {
        if (open) handlers.onData(chunk)
      })
      handlers.onUp()
      return {
        up: true,
        announces: false,
        write(bytes) {
          if (open) target.end.write(bytes)
          return open
        },
        close() {
          open = false
          return Promise.resolve()
        },
      }
    }
  }
}
