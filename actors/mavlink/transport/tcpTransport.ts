/**
 * TCP: `tcp` connects to HOST:PORT and reconnects with backoff when refused or dropped; `tcpin`
 * listens on HOST:PORT, accepts any number of clients, sends every frame to all of them and hears
 * them all. The stream is split into frames by the parser, not here.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'
import type { NetEndpoint } from './endpoint.ts'
import { Reconnector } from './Reconnector.ts'
import type { Timers, Transport, TransportHandlers } from './Transport.ts'

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
  const link = new Reconnector(handlers, timers)
  link.start(() => {
    const s = connect({ host: endpoint.host, port: endpoint.port })
    socket = s
    s.setNoDelay(true)
    s.on('connect', () => link.opened())
    s.on('data', (chunk: Buffer) => handlers.onData(chunk))
    s.on('error', () => {})
    s.on('close', () => {
      if (socket === s) socket = undefined
      link.dropped('connection closed')
    })
  })
  return {
    get up() {
      return link.up
    },
    announces: false,
    write(bytes) {
      if (!link.up || socket === undefined) return false
      socket.write(bytes)
      return true
    },
    close() {
      link.close()
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
  const link = new Reconnector(handlers, timers)
  link.start(() => {
    const srv = createServer((s) => {
      s.setNoDelay(true)
      clients.add(s)
      s.on('data', (chunk: Buffer) => handlers.onData(chunk))
      s.on('error', () => {})
      s.on('close', () => clients.delete(s))
    })
    server = srv
    srv.on('error', (err) => {
      srv.close()
      // A listen failure is reported even though the listener never came up.
      link.failed()
      handlers.onDown(err.message)
    })
    srv.listen(endpoint.port, endpoint.host, () => link.opened())
  })
  return {
    get up() {
      return link.up
    },
    announces: false,
    local() {
      const a = link.up ? server?.address() : undefined
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
      link.close()
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
