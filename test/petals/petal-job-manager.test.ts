/**
 * petal-job-manager (issue 4) over real Redis and MQTT: jobs seeded with redis-cli are listed,
 * counted by status, and cleaned up by age; bad payloads get VALIDATION_ERROR.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type MessagingRuntime, startMessagingRuntime } from '../support/messagingRuntime.ts'
import { redisCli } from '../support/peers/redisCli.ts'

let m: MessagingRuntime
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString()

beforeAll(async () => {
  m = await startMessagingRuntime(['petal-job-manager'])
  const put = (key: string, v: unknown) => redisCli(m.redis.port, 'SET', key, JSON.stringify(v))
  put('job:pending:a', { created_at: hoursAgo(1), kind: 'upload' })
  put('job:pending:b', { created_at: hoursAgo(50) })
  put('job:processing:c', { created_at: hoursAgo(30) })
  put('job:completed:old', { created_at: hoursAgo(100), completed_at: hoursAgo(48) })
  put('job:completed:new', { created_at: hoursAgo(3), completed_at: hoursAgo(1) })
  put('job:failed:old', { created_at: Math.floor(Date.now() / 1000) - 72 * 3600 })
  put('job:failed:undated', { reason: 'no timestamp' })
})

afterAll(async () => {
  await m?.stop()
})

it('get_job_statistics counts job:<status>:* keys', async () => {
  const r = await m.ask('petal-job-manager/get_job_statistics')
  expect(r).toMatchObject({ status: 'success', data: { pending: 2, processing: 1, completed: 2, failed: 2 } })
})

it('list_pending_jobs returns the pending jobs with their data', async () => {
  const r = await m.ask('petal-job-manager/list_pending_jobs')
  expect(r.status).toBe('success')
  const data = r.data as { count: number; jobs: { id: string; kind?: string }[] }
  expect(data.count).toBe(2)
  expect(data.jobs.map((j) => j.id)).toEqual(['a', 'b'])
  expect(data.jobs[0]!.kind).toBe('upload')
})

it('cleanup_expired_jobs deletes finished jobs older than max_age_hours, and nothing else', async () => {
  const bad = await m.ask('petal-job-manager/cleanup_expired_jobs', { max_age_hours: 'soon' })
  expect(bad).toMatchObject({ status: 'error', error_code: 'VALIDATION_ERROR' })
  const r = await m.ask('petal-job-manager/cleanup_expired_jobs', { max_age_hours: 24 })
  expect(r).toMatchObject({ status: 'success', data: { deleted: 2, checked: 4 } })
  expect(redisCli(m.redis.port, 'EXISTS', 'job:completed:old')).toBe('0')
  expect(redisCli(m.redis.port, 'EXISTS', 'job:failed:old')).toBe('0')
  for (const kept of ['job:completed:new', 'job:failed:undated', 'job:pending:b', 'job:processing:c'])
    expect(redisCli(m.redis.port, 'EXISTS', kept)).toBe('1')
})

it('answers HANDLER_ERROR naming Redis while Redis is down', async () => {
  await m.redis.kill9()
  const r = await m.ask('petal-job-manager/get_job_statistics')
  expect(r).toMatchObject({ status: 'error', error_code: 'HANDLER_ERROR' })
  expect(String(r.message)).toMatch(/redis is unavailable/)
  await m.redis.restart()
})
