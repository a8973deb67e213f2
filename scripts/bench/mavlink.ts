/**
 * MAVLink benchmark (issue 3), `npm run bench -- mavlink [--quick] [--json]`.
 * 1. Bulk set and read-all over loss 0/5/20/30% each way × RTT 20/150/300 ms × 57600, 115200 baud
 *    and unlimited: time (simulated s), transmissions per parameter, % done, ratio to T*; ours
 *    beside stop-and-wait (pymavlink/MAVROS) and a fixed window of 10 (QGC/MAVProxy), same run.
 *    Targets: 100% confirmed in every cell within the §4 deadline of a QGC-like client; ≤ 1.3× T*
 *    at 5% loss, 150 ms, 57600 baud; at least 2× faster than the fixed window at 20% loss.
 * 2. Ingest: frames/s through framing and dispatch (one type subscribed) on vtol.tlog repeated,
 *    against node-mavlink's splitter, parser and full decode: target ≥ 500 k/s and ≥ 3×.
 * `--quick` runs 2 cells with 200 parameters and a short ingest, for CI smoke runs (the 1.3× T*
 * target is then not checked: it is stated for a full set of 1000+ parameters).
 */
import { loadavg } from 'node:os'
import type { BenchOptions, BenchResult, BenchRow } from './harness.ts'
import { nodeMavlinkIngest, oursIngest, rawStream } from './mavlinkIngest.ts'
import {
  benchParams,
  type Cell,
  deadline,
  getCell,
  type Run,
  setCell,
  tStar,
  tStarGet,
} from './mavlinkParams.ts'

const r2 = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : -1)

function cellName(c: Cell): string {
  return `loss ${c.loss * 100}% rtt ${c.rttMs}ms ${c.baud === undefined ? 'unlimited' : c.baud}`
}

function grid(quick: boolean): Cell[] {
  if (quick)
    return [
      { loss: 0.05, rttMs: 150, baud: 57_600 },
      { loss: 0.2, rttMs: 150, baud: 57_600 },
    ]
  const out: Cell[] = []
  for (const loss of [0, 0.05, 0.2, 0.3])
    for (const rttMs of [20, 150, 300])
      for (const baud of [57_600, 115_200, undefined]) out.push({ loss, rttMs, baud })
  return out
}

function row(
  kind: 'set' | 'get',
  c: Cell,
  runs: Record<string, Run>,
  n: number,
  star: number,
  limit: number,
): BenchRow {
  const ours = runs.ours!
  const fixed = runs['fixed window']!
  const complete = ours.done === n && ours.seconds <= limit
  const headline = c.loss === 0.05 && c.rttMs === 150 && c.baud === 57_600
  const twice = c.loss === 0.2
  let pass = complete
  const targets = [`100% ${kind === 'set' ? 'confirmed' : 'read'} within ${r2(limit)} s`]
  // The 1.3x target is for a full parameter set: with --quick's 200 the window's ramp-up dominates.
  if (kind === 'set' && headline && n >= 1000) {
    pass &&= ours.seconds <= 1.3 * star
    targets.push('<= 1.3x T*')
  }
  if (kind === 'set' && twice) {
    pass &&= fixed.seconds >= 2 * ours.seconds
    targets.push('>= 2x faster than fixed window')
  }
  return {
    case: `${kind} ${n} params, ${cellName(c)}`,
    metric: 'time',
    unit: 's',
    ours: r2(ours.seconds),
    baselines: {
      'stop-and-wait (pymavlink/MAVROS)': r2(runs['stop-and-wait']!.seconds),
      'fixed window 10 (QGC/MAVProxy)': r2(fixed.seconds),
      'T* (physical limit)': r2(star),
    },
    target: targets.join(', '),
    pass,
    details: {
      ours_ratio_to_T_star: r2(ours.seconds / star),
      ours_percent_done: r2((100 * ours.done) / n),
      ours_transmissions_per_param: r2(ours.perParam),
      stop_and_wait_percent_done: r2((100 * runs['stop-and-wait']!.done) / n),
      stop_and_wait_transmissions_per_param: r2(runs['stop-and-wait']!.perParam),
      fixed_window_percent_done: r2((100 * fixed.done) / n),
      fixed_window_transmissions_per_param: r2(fixed.perParam),
    },
  }
}

function printDetails(rows: BenchRow[]): void {
  const lines = [
    '',
    'case | ours s (xT*, done %, tx/param) | stop-and-wait s (done %) | fixed window s (done %) | T* s',
  ]
  for (const r of rows) {
    if (r.details === undefined) continue
    const d = r.details
    const b = Object.values(r.baselines)
    lines.push(
      `${r.case} | ${r.ours} (${d.ours_ratio_to_T_star}x, ${d.ours_percent_done}%, ${d.ours_transmissions_per_param}) | ${b[0]} (${d.stop_and_wait_percent_done}%) | ${b[1]} (${d.fixed_window_percent_done}%) | ${b[2]}${r.pass === false ? '  MISSED' : ''}`,
    )
  }
  process.stderr.write(`${lines.join('\n')}\n`)
}

export async function mavlinkBench(opts: BenchOptions): Promise<BenchResult> {
  process.stderr.write(
    `mavlink bench: load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on this machine\n`,
  )
  const n = opts.quick ? 200 : 1051
  const params = benchParams(n)
  const rows: BenchRow[] = []
  let seed = 1
  for (const c of grid(opts.quick)) {
    const set = await setCell(c, params, seed)
    rows.push(row('set', c, set, n, tStar(n, c), deadline(n, c)))
    const get = await getCell(c, seed)
    rows.push(row('get', c, get, 1053, tStarGet(1053, c), Math.max(60, 4 * tStarGet(1053, c))))
    seed++
    process.stderr.write('.')
  }
  printDetails(rows)

  const { bytes, frames } = rawStream(opts.quick ? 2 : 20)
  const best = async (f: () => Promise<{ ms: number }> | { ms: number }) => {
    let ms = Number.POSITIVE_INFINITY
    for (let i = 0; i < (opts.quick ? 2 : 5); i++) ms = Math.min(ms, (await f()).ms)
    return ms
  }
  const ours = await best(() => oursIngest(bytes))
  const parse = await best(() => nodeMavlinkIngest(bytes, false))
  const full = await best(() => nodeMavlinkIngest(bytes, true))
  const perS = (ms: number) => Math.round((frames / ms) * 1000)
  rows.push({
    case: `ingest vtol.tlog x${opts.quick ? 2 : 20}, ATTITUDE subscribed`,
    metric: 'throughput',
    unit: 'frames/s',
    ours: perS(ours),
    baselines: {
      'node-mavlink splitter+parser+full decode': perS(full),
      'node-mavlink splitter+parser': perS(parse),
    },
    target: '>= 500000 frames/s and >= 3x node-mavlink full decode',
    pass: perS(ours) >= 500_000 && full / ours >= 3,
    details: { ratio_to_full_decode: r2(full / ours), ratio_to_parser_only: r2(parse / ours) },
  })
  return { bench: 'mavlink', rows }
}
