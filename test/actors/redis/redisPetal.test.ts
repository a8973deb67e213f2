/**
 * The redis proxy as petals use it, through the whole runtime (issue 4): a subscription callback
 * runs in the subscribing petal's mailbox and ends with its incarnation (a restarted petal hears
 * each message once, not twice), and `on: { 'redis:<channel>' }` handlers update petal state.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { heard } from '../../fixtures/petals/listener.ts'
import { redisCli } from '../../support/peers/redisCli.ts'
import { startTestRuntime, type TestRuntime } from '../../support/runtime.ts'
import { startRedis } from '../../support/servers/redis.ts'
import type { ServerProcess } from '../../support/servers/serverProcess.ts'
import { until } from '../../support/until.ts'

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'petals')
let redis: ServerProcess
let rt: TestRuntime

beforeAll(async () => {
  redis = await startRedis()
  rt = await startTestRuntime({
    yaml: `enabled_proxies: [redis]\nenabled_petals: [petal-listener]\npetals:\n  petal-listener: ${join(fixtures, 'listener.ts')}\n`,
    env: {
      PETAL_REDIS_HOST: '127.0.0.1',
      PETAL_REDIS_PORT: String(redis.port),
      PETAL_REDIS_HEALTH_MESSAGE_RATE: '60',
    },
  })
})

afterAll(async () => {
  await rt?.stop()
  await redis?.stop()
})

it('a subscription callback runs in the petal, and a restarted petal hears each message once', async () => {
  redisCli(redis.port, 'PUBLISH', 'news', 'one')
  await until(() => heard.includes('0:one'), 2000, 'the first message')
  // The petal fails while handling the request: the request gets 500, the petal restarts.
  const crash = await fetch(`${rt.handle.httpUrl}/petals/petal-listener/crash`, { method: 'POST' })
  expect(crash.status).toBe(500)
  await until(
    () => rt.handle.system.lookup('/petals/petal-listener')?.getSnapshot().restarts === 1,
    5000,
    'the restart',
  )
  await until(
    () => rt.handle.system.lookup('/petals/petal-listener')?.getSnapshot().value === 'running',
    5000,
    'running',
  )
  await until(
    () => {
      redisCli(redis.port, 'PUBLISH', 'news', 'two')
      return heard.some((h) => h.endsWith(':two'))
    },
    3000,
    'a message after the restart',
  )
  await new Promise((r) => setTimeout(r, 200))
  const twos = heard.filter((h) => h.endsWith(':two'))
  // Only the new incarnation listens: every 'two' was heard by incarnation 1, none by 0.
  expect(twos.every((h) => h.startsWith('1:'))).toBe(true)
  expect(Number(redisCli(redis.port, 'PUBSUB', 'NUMSUB', 'news').split('\n')[1])).toBe(1)
})

it("an on: { 'redis:alerts' } handler keeps state in the petal", async () => {
  redisCli(redis.port, 'PUBLISH', 'alerts', 'a1')
  redisCli(redis.port, 'PUBLISH', 'alerts', 'a2')
  await until(
    async () => {
      const r = await fetch(`${rt.handle.httpUrl}/petals/petal-listener/alerts`)
      return JSON.stringify(await r.json()) === JSON.stringify(['a1', 'a2'])
    },
    3000,
    'both alerts in state',
  )
})
