/**
 * The guide's redis operations, each one function of an ioredis client. The actor runs them
 * without serialising (ioredis pipelines them on its connection); results keep the original's
 * shapes: `set` gives true, `exists` a boolean, `delete` a count, `scanKeys` every key matching
 * the pattern once (a full `SCAN` loop, never `KEYS`).
 */
import type { Redis } from 'ioredis'

/** One redis value as sent: strings as-is, numbers as their decimal text, Buffers as bytes. */
export type RedisValue = string | number | Buffer

/** The operations and their arguments. */
export const redisOps = {
  get: (c: Redis, key: string): Promise<string | null> => c.get(key),
  set: async (c: Redis, key: string, value: RedisValue, ex?: number): Promise<boolean> =>
    (ex === undefined ? await c.set(key, value) : await c.set(key, value, 'EX', ex)) === 'OK',
  delete: (c: Redis, ...keys: string[]): Promise<number> => c.del(...keys),
  exists: async (c: Redis, key: string): Promise<boolean> => (await c.exists(key)) > 0,
  expire: async (c: Redis, key: string, seconds: number): Promise<boolean> =>
    (await c.expire(key, seconds)) === 1,
  hset: (c: Redis, key: string, fields: Record<string, RedisValue>): Promise<number> => c.hset(key, fields),
  hget: (c: Redis, key: string, field: string): Promise<string | null> => c.hget(key, field),
  hgetall: (c: Redis, key: string): Promise<Record<string, string>> => c.hgetall(key),
  hdel: (c: Redis, key: string, ...fields: string[]): Promise<number> => c.hdel(key, ...fields),
  lpush: (c: Redis, key: string, ...values: RedisValue[]): Promise<number> => c.lpush(key, ...values),
  rpush: (c: Redis, key: string, ...values: RedisValue[]): Promise<number> => c.rpush(key, ...values),
  lrange: (c: Redis, key: string, start: number, stop: number): Promise<string[]> =>
    c.lrange(key, start, stop),
  publish: (c: Redis, channel: string, message: RedisValue): Promise<number> =>
    c.publish(channel, typeof message === 'number' ? String(message) : message),
  scanKeys: async (c: Redis, pattern: string, count: number): Promise<string[]> => {
    const seen = new Set<string>()
    let cursor = '0'
    do {
      const [next, keys] = await c.scan(cursor, 'MATCH', pattern, 'COUNT', count)
      for (const k of keys) seen.add(k)
      cursor = next
    } while (cursor !== '0')
    return [...seen]
  },
} as const

/** The name of an operation. */
export type RedisOpName = keyof typeof redisOps

/** The arguments of operation `K` (without the client). */
export type RedisOpArgs<K extends RedisOpName> = (typeof redisOps)[K] extends (
  c: Redis,
  ...args: infer A
) => unknown
  ? A
  : never

/** The result of operation `K`. */
export type RedisOpResult<K extends RedisOpName> = Awaited<ReturnType<(typeof redisOps)[K]>>
