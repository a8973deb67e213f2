/**
 * What every benchmark shares: the row format of STYLE.md, timing helpers, and the printer (a
 * table on stderr, or exactly one JSON object on stdout with `--json`).
 */

export interface BenchRow {
  readonly case: string
  readonly metric: string
  readonly unit: string
  readonly ours: number
  readonly baselines: Record<string, number>
  readonly target: string
  /** True when `ours` meets the target. */
  readonly pass?: boolean
}

export interface BenchResult {
  readonly bench: string
  readonly rows: BenchRow[]
}

export interface BenchOptions {
  readonly quick: boolean
}

/** Best (lowest) of `runs` measurements of `fn`, in ms, after one untimed warm-up run. */
export async function bestOf(runs: number, fn: () => Promise<number> | number): Promise<number> {
  await fn()
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < runs; i++) best = Math.min(best, await fn())
  return best
}

/** Runs `fn` and returns its wall time in ms. */
export async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

/** Forces a full GC (needs `--expose-gc`) and returns heapUsed bytes. */
export function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run benchmarks with node --expose-gc (npm run bench does)')
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** Prints the rows as a table on stderr. */
export function printTable(result: BenchResult): void {
  const lines: string[] = [`\n## ${result.bench}`]
  for (const r of result.rows) {
    const base = Object.entries(r.baselines)
      .map(([k, v]) => {
        const ratio = r.ours === 0 ? '' : ` (${round(v / r.ours, 1)}x)`
        return `${k}: ${v}${r.metric.includes('throughput') ? '' : ratio}`
      })
      .join(', ')
    const verdict = r.pass === undefined ? '' : r.pass ? '  ok' : '  MISSED'
    lines.push(
      `${r.case.padEnd(34)} ${String(r.ours).padStart(12)} ${r.unit.padEnd(7)} target ${r.target.padEnd(22)} ${base}${verdict}`,
    )
  }
  process.stderr.write(`${lines.join('\n')}\n`)
}
