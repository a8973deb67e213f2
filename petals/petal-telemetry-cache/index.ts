/**
 * petal-telemetry-cache: the guide's flight telemetry cache over Redis. `cache_flight_data`
 * `{ flight_id, data, ttl_seconds? }` stores `data` as JSON under `flight:<flight_id>:telemetry`
 * with a time to live (default `petal_settings.petal-telemetry-cache.ttl_seconds`, else 3600 s);
 * `get_cached_flight_data` `{ flight_id }` returns it with when it was cached, or `NOT_FOUND`.
 * A flight id is 1 to 128 letters, digits, `_`, `-`, `.` or `:`.
 */
import { definePetal, type MqttResponse } from '../../runtime/index.ts'

const FLIGHT_ID = /^[A-Za-z0-9_.:-]{1,128}$/

function invalid(message: string): MqttResponse {
  return { status: 'error', message, error_code: 'VALIDATION_ERROR' }
}

function flightKey(id: unknown): string | MqttResponse {
  if (typeof id !== 'string' || !FLIGHT_ID.test(id))
    return invalid(`payload.flight_id: expected 1 to 128 of A-Z a-z 0-9 _ - . :, found ${JSON.stringify(id)}`)
  return `flight:${id}:telemetry`
}

export default definePetal({
  name: 'petal-telemetry-cache',
  version: '1.0.0',
  description: 'Caches flight telemetry in Redis with a time to live',
  requires: ['redis'],
  mqtt: {
    cache_flight_data: async (msg, _state, ctx) => {
      const key = flightKey(msg.payload.flight_id)
      if (typeof key !== 'string') return key
      const data = msg.payload.data
      if (typeof data !== 'object' || data === null)
        return invalid('payload.data: expected an object or an array')
      const fallback = Number(ctx.settings.ttl_seconds ?? 3600)
      const ttl = msg.payload.ttl_seconds ?? fallback
      if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0)
        return invalid(`payload.ttl_seconds: expected a positive integer, found ${JSON.stringify(ttl)}`)
      await ctx
        .proxy('redis')
        .set(key, JSON.stringify({ data, cached_at: new Date().toISOString() }), { ex: ttl })
      return { status: 'success', data: { key, ttl_seconds: ttl } }
    },
    get_cached_flight_data: async (msg, _state, ctx) => {
      const key = flightKey(msg.payload.flight_id)
      if (typeof key !== 'string') return key
      const text = await ctx.proxy('redis').get(key)
      if (text === null)
        return {
          status: 'error',
          message: `No cached telemetry for flight ${String(msg.payload.flight_id)}`,
          error_code: 'NOT_FOUND',
        }
      const cached = JSON.parse(text) as { data: unknown; cached_at: string }
      return { status: 'success', data: { flight_id: msg.payload.flight_id, ...cached } }
    },
  },
})
