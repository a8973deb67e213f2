/**
 * Object keys: the original's scheme `<machineId>/flight-logs/<UTC yyyymmdd_HHMMSS>_<uuid>_<name>`
 * for uploads, and the checks every caller-given key passes: 1 to 1024 bytes, no leading `/`, no
 * `.` or `..` segment, no control characters.
 */
import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'

/** The key of a new flight log. */
export function flightLogKey(machineId: string, name: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  const ts = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}_${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`
  return `${machineId}/flight-logs/${ts}_${randomUUID()}_${basename(name)}`
}

/** Undefined when `key` is acceptable, else what is wrong with it. */
export function keyProblem(key: unknown, what = 's3_key'): string | undefined {
  if (typeof key !== 'string' || key.length === 0)
    return `${what}: expected a non-empty key, found ${JSON.stringify(key)}`
  if (Buffer.byteLength(key) > 1024)
    return `${what}: expected at most 1024 bytes, found ${Buffer.byteLength(key)}`
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\x00-\x1f\x7f]/.test(key)) return `${what}: control characters are not allowed`
  if (key.startsWith('/')) return `${what}: must not start with '/', found ${JSON.stringify(key)}`
  if (key.split('/').some((s) => s === '.' || s === '..'))
    return `${what}: '.' and '..' segments are not allowed, found ${JSON.stringify(key)}`
  return undefined
}
