/**
 * The seeded chaos run (issue 7), short: 60 s of load with every fault kind injected at least
 * once (link loss and cuts, kill -9 of redis-server, mosquitto and the runtime itself, DynamoDB
 * unreachable, a petal crash loop, the runtime's fault points), then every invariant checked on
 * the history. `CHAOS_SEED` and `CHAOS_DURATION_S` change the run; a failure prints the report with
 * the seed, the schedule and the command that replays it (and shrinks it).
 */
import { expect, it } from 'vitest'
import { checkAll } from '../../scripts/chaos/checkers.ts'
import { type ChaosRun, runChaos } from '../../scripts/chaos/harness.ts'
import { formatReport } from '../../scripts/chaos/report.ts'

const seed = Number(process.env.CHAOS_SEED ?? 1)
const durationMs = Number(process.env.CHAOS_DURATION_S ?? 60) * 1000

it(`a ${durationMs / 1000} s chaos run (seed ${seed}) keeps every invariant`, {
  timeout: durationMs + 240_000,
}, async () => {
  const run: ChaosRun = await runChaos({ seed, durationMs })
  const h = run.history
  const results = checkAll(h)
  const report = formatReport(seed, results, h.schedule, { durationMs })
  process.stdout.write(
    `${report}\n${Object.entries(run.load)
      .map(([k, v]) => `load ${k}: ${v}`)
      .join('\n')}\n`,
  )
  for (const r of results) expect(r.ok, `${r.name}: ${r.figure}\n${report}\n${run.runtimeTail}`).toBe(true)

  // The run really did what it claims: every kind of fault happened and had its effect.
  const kinds = new Set(h.schedule.map((e) => e.kind))
  expect([...kinds].sort()).toEqual(
    [
      'cloud-down',
      'link-cut',
      'link-loss',
      'mqtt-kill',
      'petal-crash-loop',
      'redis-kill',
      'runtime-kill',
    ].filter((k) => k !== 'cloud-down' || h.cloudItems !== undefined),
  )
  expect(h.exits.some((e) => e.signal === 'SIGKILL' && e.byHarness)).toBe(true)
  expect(h.starts.length).toBeGreaterThanOrEqual(2)
  expect(new Set(h.recoveries.map((r) => r.server))).toEqual(
    new Set(['redis', 'mqtt', 'mavlink', ...(h.cloudItems === undefined ? [] : ['cloud'])]),
  )
  expect(h.supervision.some((e) => e.path === '/petals/petal-chaos' && e.kind === 'restart')).toBe(true)
  // Redis pub/sub delivers again after every Redis restart (and the petal's own restarts).
  expect(run.pubsubDelivered).toBe(true)
  // ...and under load: writes acknowledged and synced, parameter sets confirmed.
  expect(h.writes.length).toBeGreaterThan(100)
  expect(h.dbChecks.length).toBeGreaterThanOrEqual(2)
  const confirmed = h.paramSets.flatMap((p) => Object.values(p.report ?? {})).filter((r) => r.confirmed)
  expect(confirmed.length).toBeGreaterThan(10)
})
