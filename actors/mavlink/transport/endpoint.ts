/**
 * Endpoint strings, pymavlink style: `udpin:H:P` (listen; `udp:H:P` is the same), `udpout:H:P`
 * (send to), `tcp:H:P` (connect), `tcpin:H:P` (listen; port 0 picks a free port for both
 * listeners), `serial:/dev/X:BAUD` or a bare device
 * path (`/dev/ttyACM0`, baud from `PETAL_MAVLINK_BAUD`, default 115200). IPv6 hosts go in
 * brackets (`udpin:[::1]:14550`). A bad string is a `MavlinkValidationError` naming the forms.
 */
import { MavlinkValidationError } from '../errors.ts'

/** A network endpoint. */
export interface NetEndpoint {
  readonly kind: 'udpin' | 'udpout' | 'tcp' | 'tcpin'
  readonly host: string
  readonly port: number
}

/** A serial endpoint. */
export interface SerialEndpoint {
  readonly kind: 'serial'
  readonly path: string
  readonly baud: number
}

/** A parsed endpoint. */
export type Endpoint = NetEndpoint | SerialEndpoint

const FORMS =
  'udpin:HOST:PORT, udpout:HOST:PORT, udp:HOST:PORT, tcp:HOST:PORT, tcpin:HOST:PORT, serial:/dev/DEVICE:BAUD or a device path'

/**
 * Parses an endpoint string.
 *
 * @example
 * parseEndpoint('udpin:0.0.0.0:14550') // { kind: 'udpin', host: '0.0.0.0', port: 14550 }
 * parseEndpoint('/dev/ttyACM0', 57600) // { kind: 'serial', path: '/dev/ttyACM0', baud: 57600 }
 *
 * @category transports
 */
export function parseEndpoint(text: string, defaultBaud = 115_200): Endpoint {
  const s = text.trim()
  const bad = (why: string): never => {
    throw new MavlinkValidationError(`endpoint ${JSON.stringify(text)}: ${why}; expected ${FORMS}`)
  }
  if (s.startsWith('/') || s.startsWith('COM'))
    return { kind: 'serial', path: s, baud: baud(String(defaultBaud), bad) }
  const colon = s.indexOf(':')
  if (colon < 0) return bad('no scheme')
  const scheme = s.slice(0, colon).toLowerCase()
  const rest = s.slice(colon + 1)
  if (scheme === 'serial') {
    const last = rest.lastIndexOf(':')
    const path = last > 0 ? rest.slice(0, last) : rest
    if (path.length === 0) return bad('no device path')
    return { kind: 'serial', path, baud: baud(last > 0 ? rest.slice(last + 1) : String(defaultBaud), bad) }
  }
  const kind = scheme === 'udp' ? 'udpin' : scheme
  if (kind !== 'udpin' && kind !== 'udpout' && kind !== 'tcp' && kind !== 'tcpin')
    return bad(`unknown scheme '${scheme}'`)
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(rest)
  if (m === null) return bad('expected HOST:PORT after the scheme')
  const port = Number(m[3])
  // Port 0 (any free port) only makes sense where we listen.
  const min = kind === 'udpin' || kind === 'tcpin' ? 0 : 1
  if (!(port >= min && port <= 65535)) return bad(`port ${m[3]} is outside ${min}..65535`)
  return { kind, host: m[1] ?? m[2]!, port }
}

function baud(text: string, bad: (why: string) => never): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 50 || n > 20_000_000)
    return bad(`baud rate ${text} is not an integer in 50..20000000`)
  return n
}

/** The endpoint as a string (for health and logs). */
export function formatEndpoint(e: Endpoint): string {
  if (e.kind === 'serial') return `serial:${e.path}:${e.baud}`
  return `${e.kind}:${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`
}
