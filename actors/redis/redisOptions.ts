/**
 * The redis proxy's options, from the original's variables: `PETAL_REDIS_HOST` (default
 * `localhost`), `PETAL_REDIS_PORT` (6379), `PETAL_REDIS_DB` (0), `PETAL_REDIS_PASSWORD` (none),
 * `PETAL_REDIS_UNIX_SOCKET_PATH` (none; when set it wins over TCP, as in the original). A bad value
 * is reported as an issue naming the variable, never thrown.
 */
import { isAbsolute, resolve } from 'node:path'
import type { OptionIssue, ProxyContext } from '../ProxyKind.ts'

/** Where and how the redis proxy connects. */
export interface RedisOptions {
  readonly host: string
  readonly port: number
  readonly db: number
  readonly password?: string
  /** A unix socket path; when set, host and port are not used. */
  readonly unixSocketPath?: string
  /** Reconnect backoff, ms: `min(maxMs, minMs * 2^attempt)`. Default 50 to 1000. */
  readonly reconnect?: { readonly minMs: number; readonly maxMs: number }
}

/** Defaults of {@link RedisOptions}. */
export const REDIS_DEFAULTS = { host: 'localhost', port: 6379, db: 0 } as const

/**
 * Reads the options from `PETAL_REDIS_*`.
 *
 * @example
 * parseRedisOptions({ env: { PETAL_REDIS_PORT: '6380' }, configDir: '.' }) // { options: { host: 'localhost', port: 6380, db: 0 } }
 *
 * @category config
 */
export function parseRedisOptions(
  ctx: Pick<ProxyContext, 'env' | 'configDir'>,
): { readonly options: RedisOptions } | { readonly issues: readonly OptionIssue[] } {
  const env = ctx.env
  const issues: OptionIssue[] = []
  const int = (key: string, min: number, max: number, fallback: number): number => {
    const raw = env[key]
    if (raw === undefined || raw.trim() === '') return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n < min || n > max) {
      issues.push({ key, expected: `an integer ${min}..${max}`, found: JSON.stringify(raw) })
      return fallback
    }
    return n
  }
  const host = env.PETAL_REDIS_HOST?.trim() || REDIS_DEFAULTS.host
  const port = int('PETAL_REDIS_PORT', 1, 65535, REDIS_DEFAULTS.port)
  const db = int('PETAL_REDIS_DB', 0, 65535, REDIS_DEFAULTS.db)
  const password = env.PETAL_REDIS_PASSWORD === '' ? undefined : env.PETAL_REDIS_PASSWORD
  const socket = env.PETAL_REDIS_UNIX_SOCKET_PATH?.trim()
  if (issues.length > 0) return { issues }
  return {
    options: {
      host,
      port,
      db,
      ...(password === undefined ? {} : { password }),
      ...(socket ? { unixSocketPath: isAbsolute(socket) ? socket : resolve(ctx.configDir, socket) } : {}),
    },
  }
}
