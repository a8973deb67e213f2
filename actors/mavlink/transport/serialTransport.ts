/**
 * Serial: opens the device at its baud rate (8N1) through `serialport`, and reopens it with
 * backoff when it fails to open or disappears (a USB autopilot rebooting re-enumerates).
 */
import { SerialPort } from 'serialport'
import type { SerialEndpoint } from './endpoint.ts'
import { reconnectDelay, type Timers, type Transport, type TransportHandlers } from './Transport.ts'

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
  let up = false
  let closed = false
  let attempt = 0
  let cancelRetry: (() => void) | undefined
  const retry = (): void => {
    if (!closed) cancelRetry = timers.setTimeout(open, reconnectDelay(attempt++))
  }
  const open = (): void => {
    if (closed) return
    const p = new SerialPort({ path: endpoint.path, baudRate: endpoint.baud, autoOpen: false })
    port = p
    p.on('data', (chunk: Buffer) => handlers.onData(chunk))
    p.on('error', () => {})
    p.on('close', () => {
      const wasUp = up
      up = false
      if (port === p) port = undefined
      if (wasUp) handlers.onDown('serial port closed')
      retry()
    })
    p.open((err) => {
      if (err) {
        if (port === p) port = undefined
        retry()
        return
      }
      attempt = 0
      up = true
      handlers.onUp()
    })
  }
  open()
  return {
    get up() {
      return up
    },
    announces: false,
    write(bytes) {
      if (!up || port === undefined) return false
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      return true
    },
    close() {
      closed = true
      cancelRetry?.()
      up = false
      const p = port
      port = undefined
      if (p === undefined || !p.isOpen) return Promise.resolve()
      return new Promise<void>((resolve) => p.close(() => resolve()))
    },
  }
}
