/**
 * `recovery`: how long the runtime took to heal. Per server, from its return (`upAt`) to its proxy
 * healthy again (p50, max), bounded by `maxRecoveryMs` (default 30 s); per runtime start, from the
 * process start to its ready line, bounded by `maxReadyMs` (default 30 s). An outage or start still
 * pending when the run ended, less than its bound before the end, is counted, not failed; one
 * older than its bound with no healthy/ready time never recovered.
 */
import type { History, RecoveryRecord } from '../history.ts'
import { type CheckBounds, type InvariantResult, resolveBounds, ViolationLog } from './invariant.ts'
import { percentile, seconds } from './statistics.ts'

/**
 * Checks and measures recovery times.
 *
 * @example
 * checkRecovery(history).figure // 'redis 3x p50 1.2s max 2.0s; mqtt 2x p50 0.8s max 0.9s; runtime start→ready 4x p50 2.1s max 3.0s'
 *
 * @category invariants
 */
export function checkRecovery(history: History, bounds?: CheckBounds): InvariantResult {
  const { maxRecoveryMs, maxReadyMs } = resolveBounds(bounds)
  const log = new ViolationLog()
  const parts: string[] = []
  let pending = 0
  const servers = new Map<RecoveryRecord['server'], number[]>()
  for (const r of history.recoveries) {
    const durations = servers.get(r.server) ?? []
    servers.set(r.server, durations)
    const outage = `${r.server} down at t=${seconds(r.downAt)}, back at t=${seconds(r.upAt)}`
    if (r.healthyAt === undefined) {
      if (history.durationMs - r.upAt < maxRecoveryMs) pending++
      else log.add(`${outage}: proxy never healthy again`, r.downAt, history.durationMs)
      continue
    }
    const took = r.healthyAt - r.upAt
    durations.push(took)
    if (took > maxRecoveryMs) {
      log.add(
        `${outage}: proxy healthy only ${seconds(took)} later (bound ${seconds(maxRecoveryMs)})`,
        r.downAt,
        r.healthyAt,
      )
    }
  }
  for (const [server, durations] of servers) parts.push(`${server} ${spread(durations)}`)
  const ready: number[] = []
  for (const s of history.starts) {
    const start = `runtime incarnation ${s.incarnation} started at t=${seconds(s.startedAt)}`
    if (s.readyAt === undefined) {
      if (history.durationMs - s.startedAt < maxReadyMs) pending++
      else log.add(`${start}: never ready`, s.startedAt, history.durationMs)
      continue
    }
    const took = s.readyAt - s.startedAt
    ready.push(took)
    if (took > maxReadyMs) {
      log.add(
        `${start}: ready only ${seconds(took)} later (bound ${seconds(maxReadyMs)})`,
        s.startedAt,
        s.readyAt,
      )
    }
  }
  if (history.starts.length > 0) parts.push(`runtime start→ready ${spread(ready)}`)
  if (pending > 0) parts.push(`${pending} still recovering at the end`)
  return log.result('recovery', parts.length > 0 ? parts.join('; ') : 'no outages, no runtime starts')
}

/** `3x p50 1.2s max 2.0s`, or `0x` with no measured duration. */
function spread(durations: readonly number[]): string {
  if (durations.length === 0) return '0x'
  const p50 = seconds(percentile(durations, 50))
  return `${durations.length}x p50 ${p50} max ${seconds(Math.max(...durations))}`
}
