/**
 * The end-of-run report: one line per invariant (`PASS name: figure`, or `FAIL name: figure` and
 * its violations indented), and when any fails the seed, the schedule (one line per fault,
 * `#3 t=12.3s redis-kill 2.0s`) and the command that replays it; with a shrunk schedule, that too,
 * replayed with `--only <fault ids>`.
 */

import { seconds } from './checkers/statistics.ts'
import type { InvariantResult } from './checkers.ts'
import type { FaultEvent } from './history.ts'

/** What the report needs of the run besides the results. */
export interface ReportRun {
  /** The run's duration, as passed to the harness (`--duration`). */
  readonly durationMs: number
  /** The minimal schedule the shrinker found, if it ran. */
  readonly shrunk?: readonly FaultEvent[]
}

/**
 * The report as text (lines joined with `\n`, no trailing newline).
 *
 * @example
 * process.stdout.write(`${formatReport(seed, checkAll(history), history.schedule, { durationMs })}\n`)
 *
 * @category report
 */
export function formatReport(
  seed: number,
  results: readonly InvariantResult[],
  schedule: readonly FaultEvent[],
  run: ReportRun,
): string {
  const lines: string[] = []
  for (const r of results) {
    lines.push(`${r.ok ? 'PASS' : 'FAIL'} ${r.name}: ${r.figure}`)
    if (r.ok) continue
    if (r.window) lines.push(`    between t=${seconds(r.window.from)} and t=${seconds(r.window.to)}:`)
    for (const v of r.violations) lines.push(`    ${v}`)
  }
  const failed = results.filter((r) => !r.ok).length
  if (failed === 0) {
    lines.push(`all ${results.length} invariants hold (seed ${seed}, ${schedule.length} faults)`)
    return lines.join('\n')
  }
  lines.push(
    `${failed} of ${results.length} invariants failed; seed ${seed}, schedule of ${schedule.length} faults:`,
  )
  for (const f of schedule) lines.push(`  ${formatFault(f)}`)
  lines.push(`reproduce: ${reproduceCommand(seed, run.durationMs)}`)
  if (run.shrunk !== undefined) {
    lines.push(`minimal schedule (${run.shrunk.length} of ${schedule.length} faults):`)
    for (const f of run.shrunk) lines.push(`  ${formatFault(f)}`)
    lines.push(`reproduce: ${reproduceCommand(seed, run.durationMs, run.shrunk)}`)
  }
  return lines.join('\n')
}

/** One fault as `#3 t=12.3s redis-kill 2.0s` (plus `loss=0.20` or `crashes=5` where they apply). */
export function formatFault(f: FaultEvent): string {
  const extra = [
    ...(f.loss !== undefined ? [`loss=${f.loss.toFixed(2)}`] : []),
    ...(f.crashes !== undefined ? [`crashes=${f.crashes}`] : []),
  ]
  return [`#${f.id}`, `t=${seconds(f.at)}`, f.kind, seconds(f.durationMs), ...extra].join(' ')
}

/**
 * The command replaying a run: `npm run chaos -- --seed 42 --duration 600s`, with `--only 3,7`
 * when `only` names a subset of the schedule (by fault id; `--only ''` for none). The duration is
 * written in seconds.
 */
export function reproduceCommand(seed: number, durationMs: number, only?: readonly FaultEvent[]): string {
  const ids = only?.map((f) => f.id).join(',')
  const subset = ids === undefined ? '' : ` --only ${ids === '' ? "''" : ids}`
  return `npm run chaos -- --seed ${seed} --duration ${durationMs / 1000}s${subset}`
}
