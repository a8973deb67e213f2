/**
 * The chaos-run report (scripts/chaos/report.ts, issue #7): one line per invariant, violations
 * indented under a failure, and on failure the seed, the schedule and the commands replaying the
 * whole run and its shrunk schedule.
 */
import { describe, expect, it } from 'vitest'
import { checkAll } from '../../scripts/chaos/checkers.ts'
import { formatFault, formatReport, reproduceCommand } from '../../scripts/chaos/report.ts'
import { cleanHistory } from './cleanHistory.ts'

describe('formatReport', () => {
  it('prints one PASS line per invariant and no schedule when all hold', () => {
    const h = cleanHistory()
    const text = formatReport(h.seed, checkAll(h), h.schedule, { durationMs: h.durationMs })
    const lines = text.split('\n')
    expect(lines).toHaveLength(9)
    expect(lines.slice(0, 8).every((l) => l.startsWith('PASS '))).toBe(true)
    expect(lines[0]).toBe(
      'PASS responses: 4 commands: 4 answered, 1 duplicate answers (at-least-once), 0 lost, 0 answered twice',
    )
    expect(lines[8]).toBe('all 8 invariants hold (seed 42, 4 faults)')
    expect(text).not.toContain('npm run chaos')
  })

  it('prints a failure with its violations, the seed, the schedule and both reproduce commands', () => {
    const h = { ...cleanHistory(), dbChecks: [{ at: 33_000, present: { '1': 'one' } }] }
    const shrunk = [h.schedule[1]!]
    const text = formatReport(h.seed, checkAll(h), h.schedule, { durationMs: h.durationMs, shrunk })
    expect(text).toContain(
      [
        'FAIL durableWrites: 3 writes acked (3 keys), 1 DB checks, 2 key reads: 1 lost, 0 changed',
        '    between t=20.0s and t=33.0s:',
        "    key 2 ('two' acked at t=20.0s) missing at the check at t=33.0s",
        'PASS syncedWrites',
      ].join('\n'),
    )
    expect(text).toContain(
      [
        '1 of 8 invariants failed; seed 42, schedule of 4 faults:',
        '  #0 t=10.0s redis-kill 2.0s',
        '  #1 t=30.0s runtime-kill 1.0s',
        '  #2 t=50.0s petal-crash-loop 0.0s crashes=2',
        '  #3 t=70.0s link-loss 10.0s loss=0.20',
        'reproduce: npm run chaos -- --seed 42 --duration 120s',
        'minimal schedule (1 of 4 faults):',
        '  #1 t=30.0s runtime-kill 1.0s',
        'reproduce: npm run chaos -- --seed 42 --duration 120s --only 1',
      ].join('\n'),
    )
  })
})

describe('reproduceCommand', () => {
  it('names the fault ids of a subset, and an empty subset explicitly', () => {
    const f = cleanHistory().schedule
    expect(reproduceCommand(7, 600_000, [f[0]!, f[3]!])).toBe(
      'npm run chaos -- --seed 7 --duration 600s --only 0,3',
    )
    expect(reproduceCommand(7, 600_000, [])).toBe("npm run chaos -- --seed 7 --duration 600s --only ''")
    expect(formatFault(f[3]!)).toBe('#3 t=70.0s link-loss 10.0s loss=0.20')
  })
})
