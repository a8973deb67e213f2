/**
 * The health overview published to Redis (issue 4): every PETAL_REDIS_HEALTH_MESSAGE_RATE seconds
 * the original's HealthMessage reaches `/controller-dashboard/petals-status` (read here with
 * redis-cli), built from cached state, with petal load states, including `failed`, and it resumes
 * by itself after a Redis outage.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { HEALTH_CHANNEL } from '../../../runtime/health/healthPublisher.ts'
import type { HealthMessage } from '../../../runtime/health/overview.ts'
import { redisCliSubscribe } from '../../support/peers/redisCli.ts'
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
    yaml: [
      'enabled_proxies: [redis]',
      'startup_petals: [petal-example]',
      'enabled_petals: [petal-broken]',
      'petals:',
      `  petal-broken: ${join(fixtures, 'broken.ts')}`,
      'supervision:',
      '  by_petal:',
      '    petal-broken: { intensity: 0 }',
      '',
    ].join('\n'),
    env: {
      PETAL_REDIS_HOST: '127.0.0.1',
      PETAL_REDIS_PORT: String(redis.port),
      PETAL_REDIS_HEALTH_MESSAGE_RATE: '0.2',
      PETAL_ORGANIZATION_ID: 'org-h',
    },
  })
})

afterAll(async () => {
  await rt?.stop()
  await redis?.stop()
})

it('publishes the original HealthMessage to /controller-dashboard/petals-status', async () => {
  const sub = await redisCliSubscribe(redis.port, HEALTH_CHANNEL)
  try {
    await until(
      () =>
        sub.messages.some((m) => (JSON.parse(m) as HealthMessage).petals.some((p) => p.status === 'failed')),
      5000,
      'an overview with the failed petal',
    )
    const text = sub.messages.at(-1)!
    expect(text).toContain('\n  "title"') // indented as the original's model_dump_json(indent=2)
    const msg = JSON.parse(text) as HealthMessage
    expect(msg).toMatchObject({
      title: 'Petal App Manager',
      component_name: 'petal_app_manager',
      version: '0.0.0-test',
    })
    expect(msg.status).toBe('unhealthy')
    expect(msg.message).toBe('Some issues detected')
    expect(msg.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
    expect(msg.petal_versions).toMatchObject({ petal_leafsdk: 'not installed', petal_example: '1.0.0' })
    expect(msg.services.map((s) => [s.title, s.status, s.message])).toEqual([
      ['Organization Manager', 'healthy', 'Organization management operational'],
      ['Redis Proxy', 'healthy', 'Redis server works'],
    ])
    expect(msg.petals).toEqual([
      {
        name: 'petal-example',
        status: 'loaded',
        version: '1.0.0',
        is_startup_petal: true,
        load_time: expect.any(String),
        error: null,
      },
      {
        name: 'petal-broken',
        status: 'failed',
        version: '9.9.9',
        is_startup_petal: false,
        load_time: null,
        error: 'cannot start on purpose',
      },
    ])
  } finally {
    sub.stop()
  }
})

it('resumes publishing after redis-server is killed and restarted, without crashing', async () => {
  await redis.kill9()
  await new Promise((r) => setTimeout(r, 800))
  expect(rt.handle.system.lookup('/health')?.getSnapshot().value).toBe('running')
  await redis.restart()
  const sub = await redisCliSubscribe(redis.port, HEALTH_CHANNEL)
  try {
    await sub.waitFor(1, 3000)
    expect(rt.logs.some((l) => l.message.startsWith('health overview not published'))).toBe(true)
  } finally {
    sub.stop()
  }
})
