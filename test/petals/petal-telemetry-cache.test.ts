/**
 * petal-telemetry-cache (issue 4) over real Redis and MQTT: telemetry is stored as JSON under
 * `flight:<id>:telemetry` with a TTL that redis-cli sees, read back, and bad input is refused.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type MessagingRuntime, startMessagingRuntime } from '../support/messagingRuntime.ts'
import { redisCli } from '../support/peers/redisCli.ts'

let m: MessagingRuntime

beforeAll(async () => {
  m = await startMessagingRuntime(
    ['petal-telemetry-cache'],
    'petal_settings:\n  petal-telemetry-cache:\n    ttl_seconds: 600\n',
  )
})

afterAll(async () => {
  await m?.stop()
})

it('cache_flight_data stores JSON with a TTL; get_cached_flight_data reads it back', async () => {
  const data = { lat: 25.2, lon: 55.3, alt: 120 }
  const r = await m.ask('petal-telemetry-cache/cache_flight_data', {
    flight_id: 'F-42',
    data,
    ttl_seconds: 90,
  })
  expect(r).toMatchObject({ status: 'success', data: { key: 'flight:F-42:telemetry', ttl_seconds: 90 } })
  const ttl = Number(redisCli(m.redis.port, 'TTL', 'flight:F-42:telemetry'))
  expect(ttl).toBeGreaterThan(80)
  expect(ttl).toBeLessThanOrEqual(90)
  expect(JSON.parse(redisCli(m.redis.port, 'GET', 'flight:F-42:telemetry')).data).toEqual(data)
  const back = await m.ask('petal-telemetry-cache/get_cached_flight_data', { flight_id: 'F-42' })
  expect(back).toMatchObject({ status: 'success', data: { flight_id: 'F-42', data } })
})

it('the TTL defaults to the petal setting', async () => {
  await m.ask('petal-telemetry-cache/cache_flight_data', { flight_id: 'F-43', data: [1, 2] })
  expect(Number(redisCli(m.redis.port, 'TTL', 'flight:F-43:telemetry'))).toBeGreaterThan(590)
})

it('unknown flights get NOT_FOUND; bad ids, data and TTLs get VALIDATION_ERROR', async () => {
  expect(await m.ask('petal-telemetry-cache/get_cached_flight_data', { flight_id: 'none' })).toMatchObject({
    status: 'error',
    error_code: 'NOT_FOUND',
  })
  for (const payload of [
    { flight_id: 'has space', data: {} },
    { flight_id: 'F', data: 'text' },
    { flight_id: 'F', data: {}, ttl_seconds: -5 },
    { data: {} },
  ]) {
    const r = await m.ask('petal-telemetry-cache/cache_flight_data', payload)
    expect(r, JSON.stringify(payload)).toMatchObject({ status: 'error', error_code: 'VALIDATION_ERROR' })
  }
})
