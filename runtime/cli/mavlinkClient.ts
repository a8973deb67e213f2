/**
 * What `petal params` and `petal reboot` share: the endpoint (`--endpoint`, else
 * `PETAL_MAVLINK_ENDPOINT`, else `udpout:127.0.0.1:14550`, where `petal sim` listens), a
 * standalone proxy (source 255/190, a ground-station tool, so it never collides with the
 * runtime's 2/140), waiting for the autopilot's heartbeat, and printing exactly one JSON object.
 */
import { createMavlinkProxy, type MavlinkProxy } from '../../actors/mavlink/createMavlinkProxy.ts'
import { MavlinkError } from '../../actors/mavlink/errors.ts'
import { ProxyUnavailable } from '../../actors/ProxyUnavailable.ts'

/** The CLI's default endpoint. */
export const CLI_DEFAULT_ENDPOINT = 'udpout:127.0.0.1:14550'

/** A usage error: exit 2 with the message. */
export class CliUsageError extends Error {}

/** The endpoint to use. */
export function cliEndpoint(flag: string | undefined): string {
  return flag ?? process.env.PETAL_MAVLINK_ENDPOINT ?? CLI_DEFAULT_ENDPOINT
}

/** A positive number of seconds from a flag. */
export function seconds(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0)
    throw new CliUsageError(`${flag}: expected a positive number of seconds, got '${text}'`)
  return n
}

/**
 * Opens a proxy and waits up to `waitS` for an autopilot; undefined (proxy closed) when none came.
 *
 * @category cli
 */
export async function connect(endpoint: string, waitS: number): Promise<MavlinkProxy | undefined> {
  const baud = Number(process.env.PETAL_MAVLINK_BAUD ?? 115_200)
  let proxy: MavlinkProxy
  try {
    proxy = await createMavlinkProxy({
      endpoint,
      baud: Number.isInteger(baud) ? baud : 115_200,
      sourceSystem: 255,
      sourceComponent: 190,
      ...(process.env.PETAL_MAVLINK_SIGNING_KEY ? { signingKey: process.env.PETAL_MAVLINK_SIGNING_KEY } : {}),
    })
  } catch (e) {
    if (e instanceof MavlinkError || e instanceof ProxyUnavailable) throw new CliUsageError(e.message)
    throw e
  }
  if (await proxy.waitConnected(waitS * 1000)) return proxy
  await proxy.close()
  return undefined
}

/** Prints one JSON object (with `--json`) or the human text. */
export function output(json: boolean, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`)
}
