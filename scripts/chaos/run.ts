/**
 * `npm run chaos -- [--duration S] [--seed N] [--only ID,ID] [--no-cloud] [--no-fault-points]
 * [--no-shrink] [--history FILE] [--help]`: one seeded chaos run (default 60 s, seed 1), its invariants
 * printed with their figures, exit 0 when all hold and 1 when one fails. On a failure it shrinks
 * the schedule (delta debugging over the fault ids, each trial a shorter run with the same seed)
 * and prints the seed and the minimal schedule that still fails, with the command to replay it.
 * Bad flags exit 2 with a message.
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { checkAll } from './checkers.ts'
import { runChaos } from './harness.ts'
import type { FaultEvent } from './history.ts'
import { formatReport } from './report.ts'
import { shrinkSchedule } from './shrink.ts'

class UsageError extends Error {}
class HelpRequested extends Error {}

const USAGE = `usage: npm run chaos -- [--duration S] [--seed N] [--only ID,ID] [--no-cloud]
                      [--no-fault-points] [--no-shrink] [--history FILE]
  --duration S        load phase in seconds, at least 20 (default 60)
  --seed N            the schedule, link and fault-point seed (default 1)
  --only ID,...       replay only these fault ids of the seed's schedule
  --no-cloud          no DynamoDB even when Java is installed
  --no-fault-points   do not arm PETAL_FAULTS
  --no-shrink         on a failure, print the schedule without shrinking it
  --history FILE      also write the whole history as JSON
Exit 0 when every invariant holds, 1 when one fails, 2 for bad flags.
`

function positive(flag: string, text: string, max: number): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new UsageError(`--${flag}: expected an integer in 0..${max}, got '${text}'`)
  return n
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
      only: { type: 'string' },
      'no-cloud': { type: 'boolean', default: false },
      'no-fault-points': { type: 'boolean', default: false },
      'no-shrink': { type: 'boolean', default: false },
      history: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help) throw new HelpRequested()
  const durationS = positive('duration', values.duration.replace(/s$/, ''), 24 * 3600)
  if (durationS < 20) throw new UsageError(`--duration: expected at least 20 seconds, got ${durationS}`)
  const only =
    values.only === undefined
      ? undefined
      : new Set(values.only.split(',').map((id) => positive('only', id.trim(), 100_000)))
  return {
    durationMs: durationS * 1000,
    seed: positive('seed', values.seed, 2 ** 31),
    only,
    noCloud: values['no-cloud'],
    faultPoints: !values['no-fault-points'],
    shrink: !values['no-shrink'],
    historyFile: values.history,
  }
}

async function main(): Promise<number> {
  let o: ReturnType<typeof parse>
  try {
    o = parse(process.argv.slice(2))
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(USAGE)
      return 0
    }
    process.stderr.write(`chaos: ${(e as Error).message}\n${USAGE}`)
    return 2
  }
  const started = Date.now()
  const log = (line: string) =>
    process.stderr.write(`[chaos ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`)
  const base = { seed: o.seed, noCloud: o.noCloud, faultPoints: o.faultPoints }
  const run = await runChaos({ ...base, durationMs: o.durationMs, ...(o.only ? { only: o.only } : {}), log })
  if (o.historyFile !== undefined) writeFileSync(o.historyFile, JSON.stringify(run.history, null, 1))
  const results = checkAll(run.history)
  for (const [name, value] of Object.entries(run.load)) process.stdout.write(`load  ${name}: ${value}\n`)
  const failed = results.filter((r) => !r.ok)
  let minimal: readonly FaultEvent[] | undefined
  if (failed.length > 0 && o.shrink && run.history.schedule.length > 0) {
    const names = new Set(failed.map((r) => r.name))
    const stillFails = async (subset: readonly FaultEvent[]): Promise<boolean> => {
      const start = run.history.loadStartAt
      const end = Math.max(20_000, ...subset.map((e) => e.at - start + e.durationMs + 5000))
      log(`shrink: trying ${subset.length} faults (${subset.map((e) => `#${e.id}`).join(' ')})`)
      const trial = await runChaos({ ...base, durationMs: end, only: new Set(subset.map((e) => e.id)) })
      return checkAll(trial.history).some((r) => !r.ok && names.has(r.name))
    }
    const window = failed.find((r) => r.window !== undefined)?.window
    minimal = await shrinkSchedule(run.history.schedule, stillFails, window === undefined ? {} : { window })
  }
  process.stdout.write(
    `${formatReport(o.seed, results, run.history.schedule, {
      durationMs: o.durationMs,
      ...(minimal === undefined ? {} : { shrunk: minimal }),
    })}\n`,
  )
  if (failed.length > 0) process.stdout.write(`runtime's last output:\n${run.runtimeTail}\n`)
  return failed.length === 0 ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`chaos: ${(e as Error).stack ?? String(e)}\n`)
    process.exit(1)
  },
)
