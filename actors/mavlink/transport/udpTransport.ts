/**
 * UDP: `udpin` binds HOST:PORT and answers whoever sent the last datagram (pymavlink's rule);
 * `udpout` binds an ephemeral port and sends to HOST:PORT, hearing replies from anyone. A bind
 * failure (port in use) is retried with backoff. Each datagram is one chunk.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import type { NetEndpoint } from './endpoint.ts'
import { Reconnector } from './Reconnector.ts'
import type { Timers, Transport, TransportHandlers } from './Transport.ts'

/**
 * Opens a UDP endpoint.
 *
 * @category transports
 */
export function udpTransport(
  endpoint: NetEndpoint & { readonly kind: 'udpin' | 'udpout' },
  handlers: TransportHandlers,
  timers: Timers,
): Transport {
  let socket: Socket | undefined
  let peer: { address: string; port: number } | undefined =
    endpoint.kind === 'udpout' ? { address: endpoint.host, port: endpoint.port } : undefined
  const link = new Reconnector(handlers, timers)
  link.start(() => {
    const s = createSocket({ type: isIPv6(endpoint.host) ? 'udp6' : 'udp4', reuseAddr: false })
    socket = s
    s.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      if (endpoint.kind === 'udpin') peer = { address: rinfo.address, port: rinfo.port }
      handlers.onData(msg)
    })
    s.on('error', (err) => {
      s.close()
      if (socket === s) socket = undefined
      link.dropped(err.message)
    })
    const listening = (): void => link.opened()
    if (endpoint.kind === 'udpin') s.bind(endpoint.port, endpoint.host, listening)
    else s.bind(0, listening)
  })

  return {
    get up() {
      return link.up
    },
    announces: endpoint.kind === 'udpout',
    local() {
      if (!link.up || socket === undefined) return undefined
      const a = socket.address()
      return { host: a.address, port: a.port }
    },
    write(bytes) {
      if (!link.up || socket === undefined || peer === undefined) return false
      socket.send(bytes, peer.port, peer.address)
      return true
    },
    close() {
      link.close()
      const s = socket
      socket = undefined
      if (s === undefined) return Promise.resolve()
      return new Promise<void>((resolve) => {
        try {
          s.close(() => resolve())
        } catch {
          resolve()
        }
      })
    },
  }
}
