/**
 * The few statistics the checkers print: percentiles (nearest rank), the least-squares slope of a
 * series over time, and the units figures are written in (seconds with one decimal, MiB).
 * Empty inputs give `NaN`, never a throw.
 */

/** The `p`-th percentile (0..100) by nearest rank; `percentile(xs, 50)` is the p50. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

/** The median, averaging the two middle values of an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Least-squares slope of `y` over `x` (units of y per unit of x); 0 when x does not vary. */
export function slope(points: readonly { readonly x: number; readonly y: number }[]): number {
  if (points.length < 2) return Number.NaN
  const n = points.length
  const mx = points.reduce((s, p) => s + p.x, 0) / n
  const my = points.reduce((s, p) => s + p.y, 0) / n
  let sxy = 0
  let sxx = 0
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my)
    sxx += (p.x - mx) ** 2
  }
  return sxx === 0 ? 0 : sxy / sxx
}

/** `12345` ms as `12.3s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`
}

/** Bytes as MiB with one decimal, e.g. `81.5`. */
export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1)
}

/** Bytes as signed MiB with one decimal, e.g. `+0.3`, `-1.2`; never `-0.0`. */
export function signedMib(bytes: number): string {
  const text = mib(Math.abs(bytes))
  return `${bytes < 0 && text !== '0.0' ? '-' : '+'}${text}`
}
