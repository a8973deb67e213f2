/**
 * A TCP forwarder on a free loopback port that injects network failures between a client and a
 * real server: `cutAfter(bytes, downMs)` severs every connection once that many more bytes have
 * gone upstream and refuses new ones for `downMs`; `down()` / `up()` do it by hand. It counts the
 * bytes forwarded upstream, so a test can tell a resumed transfer from one that started over.
 */
import { createServer, type Server, Socket } from 'node:net'

/** A running fault proxy. */
export interface FaultProxy {
  readonly port: number
  /** Bytes forwarded client to server so far. */
  readonly bytesUp: number
  /** Cuts all connections once `bytes` more have gone upstream, then refuses for `downMs`. */
  cutAfter(bytes: number, downMs: number): Promise<void>
  /** Cuts all connections, before forwarding it, when an upstream chunk matches `pattern` (once). */
  cutWhen(pattern: RegExp, downMs: number): Promise<void>
  down(): void
  up(): void
  close(): Promise<void>
}

/** Starts a fault proxy in front of `127.0.0.1:targetPort`. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>()
  let bytesUp = 0
  let isDown = false
  let trigger: { at: number; downMs: number; fired: () => void } | undefined
  let matcher: { pattern: RegExp; downMs: number; fired: () => void } | undefined
  const outage = (downMs: number, fired: () => void): void => {
    cut()
    setTimeout(() => {
      isDown = false
      fired()
    }, downMs)
  }
  const cut = (): void => {
    isDown = true
    for (const s of sockets) s.destroy()
    sockets.clear()
  }
  const server: Server = createServer((client) => {
    if (isDown) {
      client.destroy()
      return
    }
    const upstream = new Socket()
    sockets.add(client)
    sockets.add(upstream)
    const drop = (): void => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', drop)
    upstream.on('error', drop)
    client.on('close', drop)
    upstream.on('close', drop)
    upstream.connect(targetPort, '127.0.0.1')
    client.on('data', (d: Buffer) => {
      if (matcher?.pattern.test(d.toString('latin1'))) {
        const m = matcher
        matcher = undefined
        outage(m.downMs, m.fired)
        return
      }
      bytesUp += d.length
      upstream.write(d)
      if (trigger !== undefined && bytesUp >= trigger.at) {
        const t = trigger
        trigger = undefined
        outage(t.downMs, t.fired)
      }
    })
    upstream.on('data', (d: Buffer) => client.write(d))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    port,
    get bytesUp() {
      return bytesUp
    },
    cutAfter: (bytes, downMs) =>
      new Promise<void>((fired) => {
        trigger = { at: bytesUp + bytes, downMs, fired }
      }),
    cutWhen: (pattern, downMs) =>
      new Promise<void>((fired) => {
        matcher = { pattern, downMs, fired }
      }),
    down: cut,
    up: () => {
      isDown = false
    },
    close: () =>
      new Promise<void>((resolve) => {
        cut()
        server.close(() => resolve())
      }),
  }
}
