/**
 * `restartPolicy`: every restart followed the policy of its actor (the policy with the longest
 * `pathPrefix` matching the path). Per process incarnation and path: the announced delay lies in
 * `[0, backoff.maxMs]`; the next `started` comes no earlier than the restart plus its delay (less
 * `timingToleranceMs`, default 5); and at most `intensity` restarts fall within any `periodMs` (the
 * supervisor's window, ends included): one more should have marked the actor failed instead; an
 * actor marked failed (`gave-up`) must have failed more than `intensity` times within `periodMs`
 * (else it gave up too early). `failed` events are crashes, counted in the figure. A restart
 * without a matching policy, or without `delayMs`, is checked only for what it carries.
 */
import type { History, RestartPolicy, SupervisionRecord } from '../history.ts'
import { type CheckBounds, type InvariantResult, resolveBounds, ViolationLog } from './invariant.ts'
import { seconds } from './statistics.ts'

/**
 * Checks backoff delays, early restarts and restart intensity against the configured policies.
 *
 * @example
 * checkRestartPolicy(history).figure // '12 restarts seen on 3 paths, max delay 800 ms, none marked failed'
 *
 * @category invariants
 */
export function checkRestartPolicy(history: History, bounds?: CheckBounds): InvariantResult {
  const { timingToleranceMs: slack } = resolveBounds(bounds)
  const log = new ViolationLog()
  let restarts = 0
  let maxDelay = 0
  let unpoliced = 0
  let crashes = 0
  const gaveUp = new Set<string>()
  for (const [path, events] of eventsByPath(history.supervision)) {
    const policy = policyFor(history.policies, path)
    const times: number[] = []
    let overBefore = false
    const failures: number[] = []
    events.forEach((e, i) => {
      if (e.kind === 'failed') {
        crashes++
        failures.push(e.at)
      }
      if (e.kind === 'gave-up') {
        gaveUp.add(path)
        const recent = failures.filter((t) => e.at - t <= (policy?.periodMs ?? 0) + slack).length
        if (policy !== undefined && recent <= policy.intensity)
          log.add(
            `${path} (incarnation ${e.incarnation}) marked failed at t=${seconds(e.at)} after ${recent} failures within ${policy.periodMs} ms (intensity ${policy.intensity}): too early`,
            e.at,
          )
      }
      if (e.kind !== 'restart') return
      restarts++
      if (policy === undefined) unpoliced++
      const where = `${path} (incarnation ${e.incarnation}) restart at t=${seconds(e.at)}`
      if (e.delayMs !== undefined) {
        maxDelay = Math.max(maxDelay, e.delayMs)
        if (e.delayMs < 0 || (policy !== undefined && e.delayMs > policy.backoff.maxMs)) {
          log.add(`${where}: delay ${e.delayMs} ms outside [0, ${policy?.backoff.maxMs ?? '∞'}] ms`, e.at)
        }
        const next = events.slice(i + 1).find((n) => n.kind === 'started')
        if (next !== undefined && next.at < e.at + e.delayMs - slack) {
          const early = `started again ${next.at - e.at} ms later, before its ${e.delayMs} ms backoff`
          log.add(`${where}: ${early}`, e.at, next.at)
        }
      }
      times.push(e.at)
      if (policy === undefined) return
      const inWindow = times.filter((t) => e.at - t <= policy.periodMs - slack)
      const over = inWindow.length > policy.intensity
      if (over && !overBefore) {
        const burst = `${inWindow.length} restarts within ${policy.periodMs} ms (intensity ${policy.intensity})`
        log.add(`${where}: ${burst}; it should have been marked failed`, inWindow[0], e.at)
      }
      overBefore = over
    })
  }
  const paths = new Set(history.supervision.filter((e) => e.kind === 'restart').map((e) => e.path)).size
  const marked = gaveUp.size > 0 ? `marked failed: ${[...gaveUp].join(', ')}` : 'none marked failed'
  const figure =
    `${crashes} crashes, ${restarts} restarts seen on ${paths} paths, max delay ${Math.round(maxDelay)} ms, ${marked}` +
    (unpoliced > 0 ? `, ${unpoliced} restarts without a policy` : '')
  return log.result('restartPolicy', figure)
}

/** The policy with the longest prefix of `path`, if any. */
export function policyFor(policies: readonly RestartPolicy[], path: string): RestartPolicy | undefined {
  let best: RestartPolicy | undefined
  for (const p of policies) {
    if (
      path.startsWith(p.pathPrefix) &&
      (best === undefined || p.pathPrefix.length > best.pathPrefix.length)
    ) {
      best = p
    }
  }
  return best
}

/** The events of each (incarnation, path), each list in time order, as `[path, events]` pairs. */
function eventsByPath(events: readonly SupervisionRecord[]): [string, SupervisionRecord[]][] {
  const groups = new Map<string, { path: string; events: SupervisionRecord[] }>()
  for (const e of events) {
    const id = `${e.incarnation}\u0000${e.path}`
    const g = groups.get(id)
    if (g) g.events.push(e)
    else groups.set(id, { path: e.path, events: [e] })
  }
  return [...groups.values()].map((g) => [g.path, g.events.sort((a, b) => a.at - b.at)])
}
