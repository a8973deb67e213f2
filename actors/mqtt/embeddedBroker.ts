/**
 * The embedded broker of `petal start --sim`: aedes on a loopback port (default 1884), so the demo
 * needs no installed broker. aedes speaks MQTT 3.1.1 only; the proxy falls back to it by itself.
 * A port already in use is a clear start-up error naming the port and `PETAL_EMBEDDED_MQTT_PORT`.
 * aedes itself loads only when a broker starts.
 */
import { createServer } from 'node:net'

/** A running embedded broker. */
export interface EmbeddedBroker {
  readonly port: number
  close(): Promise<void>
}

/**
 * Starts aedes on `127.0.0.1:port` (0 picks a free port).
 *
 * @example
 * const broker = await startEmbeddedBroker(1884)
 * await broker.close()
 *
 * @category proxies
 */
export async function startEmbeddedBroker(port: number): Promise<EmbeddedBroker> {
  const { Aedes } = await import('aedes')
  const broker = await Aedes.createBroker()
  const server = createServer(broker.handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `embedded MQTT broker cannot listen on 127.0.0.1:${port} (${e.code ?? e.message}); set PETAL_EMBEDDED_MQTT_PORT to a free port`,
        ),
      ),
    )
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const addr = server.address()
  return {
    port: typeof addr === 'object' && addr !== null ? addr.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        broker.close()
      }),
  }
}
