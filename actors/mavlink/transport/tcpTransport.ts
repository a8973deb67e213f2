/**
 * TCP: `tcp` connects to HOST:PORT and reconnects with backoff when refused or dropped; `tcpin`
 * listens on HOST:PORT, accepts any number of clients, sends every frame to all of them and hears
 * them all. The stream is split into frames by the parser, not here.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'
import type { NetEndpoint } from './endpoint.ts'
import { reconnectDelay, type Timers, type Transport, type TransportHandlers } from './Transport.ts'

/**
 * Opens a TCP endpoint.
 *
 * @category transports
 */
export function tcpTransport(
  endpoint: NetEndpoint & { readonly kind: 'tcp' | 'tcpin' },
  handlers: TransportHandlers,
  timers: Timers,
): Transport {
  return endpoint.kind === 'tcp'
    ? tcpClient(endpoint, handlers, timers)
    : tcpServer(endpoint, handlers, timers)
}

function tcpClient(
  endpoint: { host: string; port: number },
  handlers: TransportHandlers,
  timers: Timers,
): Transport {
  let socket: Socket | undefined
  let up = false
  let closed = false
  let attempt = 0
  let cancelRetry: (() => void) | undefined
  const open = (): void => {
    if (closed) return
    const s = connect({ host: endpoint.host, port: endpoint.port })
    socket = s
    s.setNoDelay(true)
    s.on('connect', () => {
      attempt = 0
      up = true
      handlers.onUp()
    })
    s.on('data', (chunk: Buffer) => handlers.onData(chunk))
    s.on('error', () => {})
    s.on('close', () => {
      const wasUp = up
      up = false
      if (socket === s) socket = undefined
      if (wasUp) handlers.onDown('connection closed')
      if (!closed) cancelRetry = timers.setTimeout(open, reconnectDelay(attempt++))
    })
  }
  open()
  return {
    get up() {
      return up
    },
    announces: false,
    write(bytes) {
      if (!up || socket === undefined) return false
      socket.write(bytes)
      return true
    },
    close() {
      closed = true
      cancelRetry?.()
      up = false
      socket?.destroy()
      socket = undefined
      return Promise.resolve()
    },
  }
}

function tcpServer(
  endpoint: { host: string; port: number },
  handlers: TransportHandlers,
  timers: Timers,
): Transport {
  const clients = new Set<Socket>()
  let server: Server | undefined
  let up = false
  let closed = false
  let attempt = 0
  let cancelRetry: (() => void) | undefined
  const open = (): void => {
    if (closed) return
    const srv = createServer((s) => {
      s.setNoDelay(true)
      clients.add(s)
      s.on('data', (chunk: Buffer) => handlers.onData(chunk))
      s.on('error', () => {})
      s.on('close', () => clients.delete(s))
    })
    server = srv
    srv.on('error', (err) => {
      up = false
      srv.close()
      if (!closed) cancelRetry = timers.setTimeout(open, reconnectDelay(attempt++))
      handlers.onDown(err.message)
    })
    srv.listen(endpoint.port, endpoint.host, () => {
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
    local() {
      const a = up ? server?.address() : undefined
      return a === undefined || a === null || typeof a === 'string'
        ? undefined
        : { host: a.address, port: a.port }
    },
    write(bytes) {
      if (clients.size === 0) return false
      for (const c of clients) c.write(bytes)
      return true
    },
    close() {
      closed = true
      cancelRetry?.()
      up = false
      for (const c of clients) c.destroy()
      clients.clear()
      const srv = server
      server = undefined
      return srv === undefined
        ? Promise.resolve()
        : new Promise<void>((resolve) => srv.close(() => resolve()))
    },
  }
}
