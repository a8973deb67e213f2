/**
 * The redis proxy against a real redis-server (issue 4): the guide's methods, pub/sub with Debian's
 * redis-cli as an independent peer, a unix socket, and outages: calls fail fast with
 * ProxyUnavailable (or wait within their own time-out), subscriptions deliver again within 2 s of
 * the server's return, and reconnects back off instead of spinning.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProxyUnavailable } from '../../../actors/ProxyUnavailable.ts'
import { createRedisProxy, type StandaloneRedisProxy } from '../../../actors/redis/createRedisProxy.ts'
import { RedisCommandError } from '../../../actors/redis/RedisCommandError.ts'
import { redisCli, redisCliSubscribe } from '../../support/peers/redisCli.ts'
import { startRedis } from '../../support/servers/redis.ts'
import type { ServerProcess } from '../../support/servers/serverProcess.ts'

async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const t0 = Date.now()
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  return Date.now() - t0
}

describe('redis proxy: the guide methods', () => {
  let server: ServerProcess
  let redis: StandaloneRedisProxy

  beforeAll(async () => {
    server = await startRedis()
    redis = await createRedisProxy({ host: '127.0.0.1', port: server.port })
  })
  afterAll(async () => {
    await redis?.close()
    await server?.stop()
  })

  it('set/get/exists/delete, with a TTL that redis-cli sees', async () => {
    expect(await redis.set('a', 'one')).toBe(true)
    expect(await redis.get('a')).toBe('one')
    expect(await redis.exists('a')).toBe(true)
    expect(await redis.set('ttl', 42, { ex: 100 })).toBe(true)
    expect(Number(redisCli(server.port, 'TTL', 'ttl'))).toBeGreaterThan(90)
    expect(redisCli(server.port, 'GET', 'ttl')).toBe('42')
    expect(await redis.delete(['a', 'ttl', 'missing'])).toBe(2)
    expect(await redis.get('a')).toBeNull()
    expect(await redis.exists('a')).toBe(false)
  })

  it('hashes and lists', async () => {
    expect(await redis.hset('h', 'f1', 'v1')).toBe(1)
    expect(await redis.hset('h', { f2: 'v2', f3: 3 })).toBe(2)
    expect(await redis.hget('h', 'f3')).toBe('3')
    expect(await redis.hgetall('h')).toEqual({ f1: 'v1', f2: 'v2', f3: '3' })
    expect(await redis.rpush('l', ['b', 'c'])).toBe(2)
    expect(await redis.lpush('l', 'a')).toBe(3)
    expect(await redis.lrange('l', 0, -1)).toEqual(['a', 'b', 'c'])
  })

  it('scanKeys returns every matching key once, by SCAN', async () => {
    await Promise.all(Array.from({ length: 250 }, (_, i) => redis.set(`job:pending:${i}`, '{}')))
    await redis.set('other:1', 'x')
    const keys = await redis.scanKeys({ pattern: 'job:pending:*', count: 10 })
    expect(keys.length).toBe(250)
    expect(new Set(keys).size).toBe(250)
    expect(keys.every((k) => k.startsWith('job:pending:'))).toBe(true)
  })

  it('a server error is a RedisCommandError with the server message; bad arguments throw TypeError', async () => {
    await redis.set('str', 'x')
    await expect(redis.lpush('str', 'y')).rejects.toBeInstanceOf(RedisCommandError)
    await expect(redis.lpush('str', 'y')).rejects.toThrow(/WRONGTYPE/)
    expect(() => redis.get('')).toThrow(TypeError)
    expect(() => redis.set('k', { no: 'objects' } as never)).toThrow(/JSON.stringify/)
    expect(() => redis.set('k', 'v', { ex: -1 })).toThrow(/positive integer/)
  })

  it('publish reaches a redis-cli subscriber; objects are sent as JSON', async () => {
    const cli = await redisCliSubscribe(server.port, 'news')
    try {
      expect(await redis.publish('news', 'plain')).toBe(1)
      expect(await redis.publish('news', { n: 1 })).toBe(1)
      expect(await cli.waitFor(2)).toEqual(['plain', '{"n":1}'])
    } finally {
      cli.stop()
    }
  })

  it('subscribe and psubscribe get what redis-cli publishes; unsubscribe stops it', async () => {
    const got: string[] = []
    await redis.subscribe('chan', (channel, message) => {
      got.push(`${channel}:${message}`)
    })
    await redis.psubscribe('/petal-*', (channel, message, pattern) => {
      got.push(`${pattern}|${channel}:${message}`)
    })
    expect(redisCli(server.port, 'PUBLISH', 'chan', 'hello')).toBe('1')
    expect(redisCli(server.port, 'PUBLISH', '/petal-x/ev', 'p')).toBe('1')
    await until(() => got.length === 2, 2000, 'two messages')
    expect(got).toEqual(['chan:hello', '/petal-*|/petal-x/ev:p'])
    await redis.unsubscribe('chan')
    expect(redisCli(server.port, 'PUBLISH', 'chan', 'after')).toBe('0')
  })

  it('health reports the connection and the listeners, without a network call', async () => {
    const h = await redis.healthCheck()
    expect(h.status).toBe('healthy')
    expect(h.connection).toMatchObject({ host: '127.0.0.1', port: server.port, connected: true })
    expect(h.communication.active_subscriptions).toBeGreaterThanOrEqual(1)
  })
})

describe('redis proxy: unix socket', () => {
  it('connects through PETAL_REDIS_UNIX_SOCKET_PATH-style options', async () => {
    const sock = join(mkdtempSync(join(tmpdir(), 'petal-sock-')), 'redis.sock')
    const server = await startRedis({ unixSocket: sock })
    const redis = await createRedisProxy({ unixSocketPath: sock, port: 1 })
    try {
      expect(await redis.set('via', 'socket')).toBe(true)
      expect(redisCli(server.port, 'GET', 'via')).toBe('socket')
    } finally {
      await redis.close()
      await server.stop()
    }
  })
})

describe('redis proxy: outages', () => {
  it('fails fast while redis is down, waits within timeoutMs when asked, and backs off', async () => {
    const server = await startRedis()
    const redis = await createRedisProxy({ host: '127.0.0.1', port: server.port })
    try {
      await redis.set('k', 'v')
      await server.kill9()
      await until(async () => (await redis.healthCheck()).status === 'unhealthy', 2000, 'unhealthy')
      const t0 = Date.now()
      const err = await redis.get('k').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ProxyUnavailable)
      expect((err as ProxyUnavailable).code).toBe('PROXY_UNAVAILABLE')
      expect(Date.now() - t0).toBeLessThan(1000)
      const before = (await redis.healthCheck()).connection.reconnect_attempts
      await new Promise((r) => setTimeout(r, 2000))
      const attempts = (await redis.healthCheck()).connection.reconnect_attempts - before
      // Backoff 50 ms doubling to 1 s: a couple of attempts a second, never a spin.
      expect(attempts).toBeGreaterThan(0)
      expect(attempts).toBeLessThanOrEqual(6)
      const waiting = redis.set('k2', 'late', { timeoutMs: 8000 })
      await new Promise((r) => setTimeout(r, 300))
      await server.restart()
      expect(await waiting).toBe(true)
      expect(redisCli(server.port, 'GET', 'k2')).toBe('late')
      // Redis restarted without persistence: k is gone, and the proxy answers again.
      expect(await redis.get('k')).toBeNull()
    } finally {
      await redis.close()
      await server.stop()
    }
  })

  it('subscriptions deliver again within 2 s of redis-server coming back', async () => {
    const server = await startRedis()
    const redis = await createRedisProxy({ host: '127.0.0.1', port: server.port })
    try {
      const got: string[] = []
      await redis.subscribe('alerts', (_c, m) => {
        got.push(m)
      })
      await redis.psubscribe('/petal-*', (_c, m) => {
        got.push(`p:${m}`)
      })
      redisCli(server.port, 'PUBLISH', 'alerts', 'before')
      await until(() => got.includes('before'), 2000, 'first message')
      await server.kill9()
      await new Promise((r) => setTimeout(r, 1500))
      await server.restart()
      const back = Date.now()
      let n = 0
      const waited = await until(
        () => {
          redisCli(server.port, 'PUBLISH', 'alerts', `after-${n}`)
          redisCli(server.port, 'PUBLISH', '/petal-a/b', `after-${n++}`)
          return got.some((m) => m.startsWith('after-')) && got.some((m) => m.startsWith('p:after-'))
        },
        2000,
        'messages after the restart',
      )
      expect(Date.now() - back).toBeLessThanOrEqual(2100)
      expect(waited).toBeLessThanOrEqual(2000)
    } finally {
      await redis.close()
      await server.stop()
    }
  })

  it('starts while redis is down, and serves once it comes up', async () => {
    const server = await startRedis()
    await server.stop()
    const redis = await createRedisProxy({ host: '127.0.0.1', port: server.port })
    try {
      await expect(redis.get('x')).rejects.toBeInstanceOf(ProxyUnavailable)
      const got: string[] = []
      await redis.subscribe('early', (_c, m) => {
        got.push(m)
      })
      await server.restart()
      expect(await redis.set('x', '1', { timeoutMs: 5000 })).toBe(true)
      await until(
        () => {
          redisCli(server.port, 'PUBLISH', 'early', 'hi')
          return got.length > 0
        },
        2000,
        'a subscription made while down',
      )
    } finally {
      await redis.close()
      await server.stop()
    }
  })
})
