/**
 * A real redis-server for tests, on a free port, nothing persisted (unless `appendonly`).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ServerProcess, startServer } from './serverProcess.ts'

/** Starts redis-server on a free loopback port (and on a unix socket `unixSocket`, when given). */
export function startRedis(
  options: { appendonly?: boolean; port?: number; unixSocket?: string } = {},
): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'petal-redis-'))
  return startServer({
    name: 'redis-server',
    command: 'redis-server',
    debianPackage: 'redis-server',
    ...(options.port === undefined ? {} : { port: options.port }),
    args: (port) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      options.appendonly ? 'yes' : 'no',
      '--dir',
      dir,
      ...(options.unixSocket === undefined
        ? []
        : ['--unixsocket', options.unixSocket, '--unixsocketperm', '700']),
    ],
  })
}
