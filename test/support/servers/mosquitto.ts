/**
 * A real mosquitto broker for tests: a TCP listener on a free port (and a WebSocket listener when
 * asked), anonymous access, no persistence unless asked.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, type ServerProcess, startServer } from './serverProcess.ts'

export interface Mosquitto extends ServerProcess {
  /** WebSocket port, when `websockets` was asked for. */
  readonly wsPort: number | undefined
}

/** Starts mosquitto on free loopback ports. */
export async function startMosquitto(
  options: { websockets?: boolean; persistence?: boolean; extraConfig?: readonly string[] } = {},
): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'petal-mosquitto-'))
  // Started as root, mosquitto drops to the `mosquitto` user, which must be able to save its database.
  if (options.persistence) chmodSync(dir, 0o777)
  const wsPort = options.websockets ? await freePort() : undefined
  const conf = join(dir, 'mosquitto.conf')
  const server = await startServer({
    name: 'mosquitto',
    command: 'mosquitto',
    debianPackage: 'mosquitto',
    args: (port) => {
      writeFileSync(
        conf,
        [
          `listener ${port} 127.0.0.1`,
          'allow_anonymous true',
          `persistence ${options.persistence ? 'true' : 'false'}`,
          `persistence_location ${dir}/`,
          ...(options.extraConfig ?? []),
          ...(wsPort === undefined ? [] : [`listener ${wsPort} 127.0.0.1`, 'protocol websockets']),
          '',
        ].join('\n'),
      )
      return ['-c', conf]
    },
  })
  return Object.assign(server, { wsPort })
}
