/**
 * Serial: opens the device at its baud rate (8N1) through `serialport`, and reopens it with
 * backoff when it fails to open or disappears (a USB autopilot rebooting re-enumerates).
 * `serialport` (a native module) loads with the first open, so only a serial endpoint pays for it;
 * when it cannot load, the link stays down, says why once, and retries like a failed open.
 */
import type { SerialPort } from 'serialport'
import type { SerialEndpoint } from './endpoint.ts'
import { Reconnector } from './Reconnector.ts'
import type { Timers, Transport, TransportHandlers } from './Transport.ts'

/**
 * Opens a serial endpoint.
 *
 * @category transports
 */
export function serialTransport(
  endpoint: SerialEndpoint,
  handlers: TransportHandlers,
  timers: Timers,
): Transport {
  let port: SerialPort | undefined
  const link = new Reconnector(handlers, timers)
  let loadError: string | undefined
  const open = (SerialPortClass: typeof SerialPort): void => {
    const p = new SerialPortClass({ path: endpoint.path, baudRate: endpoint.baud, autoOpen: false })
    port = p
    p.on('data', (chunk: Buffer) => handlers.onData(chunk))
    p.on('error', () => {})
    p.on('close', () => {
      if (port === p) port = undefined
      link.dropped('serial port closed')
    })
    p.open((err) => {
      if (err) {
        if (port === p) port = undefined
        link.failed()
        return
      }
      link.opened()
    })
  }
  link.start(() => {
    import('serialport').then(
      (m) => {
        if (!link.closed) open(m.SerialPort)
      },
      (e: unknown) => {
        const why = `serialport could not be loaded: ${(e as Error).message ?? String(e)}`
        if (why !== loadError) handlers.onDown(why)
        loadError = why
        link.failed()
      },
    )
  })
  return {
    get up() {
      return link.up
    },
    announces: false,
    write(bytes) {
      if (!link.up || port === undefined) return false
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      return true
    },
    close() {
      link.close()
      const p = port
      port = undefined
      if (p === undefined || !p.isOpen) return Promise.resolve()
      return new Promise<void>((resolve) => p.close(() => resolve()))
    },
  }
}
