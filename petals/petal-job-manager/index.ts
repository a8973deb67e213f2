/**
 * petal-job-manager: the guide's job bookkeeping over Redis. Jobs are keys `job:<status>:<id>`
 * (status `pending`, `processing`, `completed`, `failed`) holding JSON with `created_at`, and
 * optionally `updated_at` / `completed_at` (ISO text or epoch seconds or ms). Commands:
 * `list_pending_jobs`; `cleanup_expired_jobs` `{ max_age_hours }`, which deletes completed and
 * failed jobs whose last timestamp is older (pending and processing jobs are never deleted, nor
 * jobs without a timestamp); `get_job_statistics`, the count of each status. Keys are found with
 * SCAN, never KEYS.
 */
import { definePetal, type MqttResponse } from '../../runtime/index.ts'

const STATUSES = ['pending', 'processing', 'completed', 'failed'] as const

/** A job's last timestamp (ms), from the fields the guide uses; undefined when it has none. */
function lastTime(job: Record<string, unknown>): number | undefined {
  for (const field of ['completed_at', 'updated_at', 'created_at']) {
    const v = job[field]
    if (typeof v === 'number' && Number.isFinite(v)) return v < 1e12 ? v * 1000 : v
    if (typeof v === 'string') {
      const t = Date.parse(v)
      if (!Number.isNaN(t)) return t
    }
  }
  return undefined
}

function parse(text: string | null): Record<string, unknown> | undefined {
  if (text === null) return undefined
  try {
    const v = JSON.parse(text) as unknown
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function invalid(message: string): MqttResponse {
  return { status: 'error', message, error_code: 'VALIDATION_ERROR' }
}

export default definePetal({
  name: 'petal-job-manager',
  version: '1.0.0',
  description: 'Lists, counts and cleans up jobs kept in Redis as job:<status>:<id>',
  requires: ['redis'],
  mqtt: {
    list_pending_jobs: async (_msg, _state, ctx) => {
      const redis = ctx.proxy('redis')
      const keys = (await redis.scanKeys({ pattern: 'job:pending:*' })).sort()
      const values = await Promise.all(keys.map((k) => redis.get(k)))
      const jobs = keys.map((key, i) => ({
        id: key.slice('job:pending:'.length),
        key,
        ...(parse(values[i] ?? null) ?? { raw: values[i] }),
      }))
      return { status: 'success', data: { jobs, count: jobs.length } }
    },
    cleanup_expired_jobs: async (msg, _state, ctx) => {
      const hours = msg.payload.max_age_hours
      if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0)
        return invalid(
          `payload.max_age_hours: expected a positive number of hours, found ${JSON.stringify(hours)}`,
        )
      const redis = ctx.proxy('redis')
      const cutoff = Date.now() - hours * 3_600_000
      const keys = [
        ...(await redis.scanKeys({ pattern: 'job:completed:*' })),
        ...(await redis.scanKeys({ pattern: 'job:failed:*' })),
      ]
      const values = await Promise.all(keys.map((k) => redis.get(k)))
      const expired = keys.filter((_, i) => {
        const t = lastTime(parse(values[i] ?? null) ?? {})
        return t !== undefined && t < cutoff
      })
      const deleted = expired.length === 0 ? 0 : await redis.delete(expired)
      return { status: 'success', data: { deleted, checked: keys.length, max_age_hours: hours } }
    },
    get_job_statistics: async (_msg, _state, ctx) => {
      const redis = ctx.proxy('redis')
      const counts = await Promise.all(STATUSES.map((s) => redis.scanKeys({ pattern: `job:${s}:*` })))
      return {
        status: 'success',
        data: Object.fromEntries(STATUSES.map((s, i) => [s, counts[i]!.length])) as Record<
          (typeof STATUSES)[number],
          number
        >,
      }
    },
  },
})
