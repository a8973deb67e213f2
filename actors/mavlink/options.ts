/**
 * The MAVLink proxy's options and where they come from: the original's `PETAL_MAVLINK_*` and
 * `PETAL_REBOOT_*` variables, with its defaults (endpoint `udp:127.0.0.1:14551`, baud 115200,
 * source 2/140, heartbeat 5 Hz), plus ours: `PETAL_MAVLINK_SIGNING_KEY` (sign, and require
 * signed frames) and `PETAL_MAVLINK_HEARTBEAT_TIMEOUT` (s without an autopilot heartbeat before
 * the link counts as lost, default 3). `PETAL_MAVLINK_MAXLEN`, `PETAL_MAVLINK_WORKER_SLEEP_MS`
 * and `PETAL_REBOOT_HB_POLL_INTERVAL` are accepted and unused: there is no send queue to bound and
 * nothing polls. Bad values are reported as issues naming the variable, never thrown.
 */

import type { RebootOptions } from '../../machines/reboot.machine.ts'
import type { OptionIssue } from '../ProxyKind.ts'
import { MavlinkError } from './errors.ts'
import { type Endpoint, parseEndpoint } from './transport/endpoint.ts'

/** Resolved options of the proxy. */
export interface MavlinkProxyOptions {
  readonly endpoint: Endpoint
  readonly sourceSystem: number
  readonly sourceComponent: number
  readonly heartbeatHz: number
  readonly heartbeatTimeoutMs: number
  readonly signingKey: string | undefined
  readonly requireSigned: boolean
  /** Defaults of `rebootAutopilot` (from `PETAL_REBOOT_*`). */
  readonly reboot: RebootOptions
  /** Run the simulated vehicle in-process and connect to it (`petal start --sim`). */
  readonly sim: boolean
}

/** The original's default endpoint (mavlink-router's `droneleaf` UDP endpoint). */
export const DEFAULT_ENDPOINT = 'udp:127.0.0.1:14551'

type Env = Readonly<Record<string, string | undefined>>

/**
 * Reads the options from the environment; issues instead of throwing.
 *
 * @category config
 */
export function optionsFromEnv(
  env: Env,
  sim: boolean,
): { options: MavlinkProxyOptions } | { issues: OptionIssue[] } {
  const issues: OptionIssue[] = []
  const num = (key: string, fallback: number, check: (n: number) => boolean, expected: string): number => {
    const raw = env[key]
    if (raw === undefined || raw.trim() === '') return fallback
    const n = Number(raw)
    if (!Number.isFinite(n) || !check(n)) {
      issues.push({ key, expected, found: JSON.stringify(raw) })
      return fallback
    }
    return n
  }
  const id = (n: number) => Number.isInteger(n) && n >= 1 && n <= 255
  const positive = (n: number) => n > 0
  const baud = num(
    'PETAL_MAVLINK_BAUD',
    115_200,
    (n) => Number.isInteger(n) && n >= 50,
    'an integer baud rate',
  )
  let endpoint: Endpoint = { kind: 'udpin', host: '127.0.0.1', port: 14551 }
  try {
    endpoint = parseEndpoint(env.PETAL_MAVLINK_ENDPOINT ?? DEFAULT_ENDPOINT, baud)
  } catch (e) {
    issues.push({
      key: 'PETAL_MAVLINK_ENDPOINT',
      expected: 'udpin:H:P, udpout:H:P, udp:H:P, tcp:H:P, tcpin:H:P, serial:/dev/X:BAUD or a device path',
      found: `${JSON.stringify(env.PETAL_MAVLINK_ENDPOINT)} (${e instanceof MavlinkError ? e.message : String(e)})`,
    })
  }
  const sitl = (env.PETAL_REBOOT_SITL_MODE ?? 'false').trim().toLowerCase()
  if (!['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''].includes(sitl))
    issues.push({ key: 'PETAL_REBOOT_SITL_MODE', expected: 'true or false', found: JSON.stringify(sitl) })
  const options: MavlinkProxyOptions = {
    endpoint,
    sourceSystem: num('PETAL_MAVLINK_SOURCE_SYSTEM_ID', 2, id, 'an integer 1..255'),
    sourceComponent: num('PETAL_MAVLINK_SOURCE_COMPONENT_ID', 140, id, 'an integer 1..255'),
    heartbeatHz: num(
      'PETAL_MAVLINK_HEARTBEAT_SEND_FREQUENCY',
      5,
      (n) => n > 0 && n <= 100,
      'a frequency in Hz, 0 < f <= 100',
    ),
    heartbeatTimeoutMs:
      1000 * num('PETAL_MAVLINK_HEARTBEAT_TIMEOUT', 3, positive, 'a positive number of seconds'),
    signingKey: env.PETAL_MAVLINK_SIGNING_KEY === '' ? undefined : env.PETAL_MAVLINK_SIGNING_KEY,
    requireSigned: true,
    reboot: {
      ackTimeout: num('PETAL_REBOOT_ACK_TIMEOUT', 3, positive, 'a positive number of seconds'),
      hbDropWindow: num('PETAL_REBOOT_HB_DROP_WINDOW', 5, positive, 'a positive number of seconds'),
      hbDropGap: num('PETAL_REBOOT_HB_DROP_GAP', 1.5, positive, 'a positive number of seconds'),
      hbReturnWindow: num('PETAL_REBOOT_HB_RETURN_WINDOW', 30, positive, 'a positive number of seconds'),
      sitlMode: ['true', '1', 'yes', 'on'].includes(sitl),
    },
    sim,
  }
  num('PETAL_REBOOT_HB_POLL_INTERVAL', 0.05, positive, 'a positive number of seconds')
  return issues.length > 0 ? { issues } : { options }
}
