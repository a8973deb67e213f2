/**
 * `resources`: memory and open handles stay flat over a run. Per runtime incarnation whose samples
 * span at least `minSpanMs` (default 60 s, and at least 8 samples): growth is the last quarter's
 * median minus the first quarter's (quarters of the time span); heap (rss) fails when its growth
 * passes `maxHeapGrowthBytes`, 64 MiB (`maxRssGrowthBytes`, 128 MiB) and its least-squares slope is
 * positive; handles fail when the last quarter's median passes the first quarter's maximum by more
 * than `maxHandleGrowth` (25). Shorter incarnations are skipped, and the figure says so.
 */
import type { History, ResourceSample } from '../history.ts'
import { type CheckBounds, type InvariantResult, resolveBounds, ViolationLog } from './invariant.ts'
import { median, mib, seconds, signedMib, slope } from './statistics.ts'

/** Fewer samples than this cannot show a trend, whatever their span. */
const MIN_SAMPLES = 8

/**
 * Checks for a growth trend of heap, rss and handles.
 *
 * @example
 * checkResources(history).figure // '#0 rss 81.0→84.2 MiB (+0.2 MiB/min), heap 30.1→31.0 MiB (+0.0 MiB/min), handles 14→15'
 *
 * @category invariants
 */
export function checkResources(history: History, bounds?: CheckBounds): InvariantResult {
  const b = resolveBounds(bounds)
  const log = new ViolationLog()
  const parts: string[] = []
  const skipped: string[] = []
  for (const [incarnation, samples] of samplesByIncarnation(history.samples)) {
    const from = samples[0]!.at
    const to = samples.at(-1)!.at
    const span = to - from
    if (span < b.minSpanMs || samples.length < MIN_SAMPLES) {
      skipped.push(`#${incarnation} ${samples.length} samples over ${seconds(span)}`)
      continue
    }
    const first = samples.filter((s) => s.at <= from + span / 4)
    const last = samples.filter((s) => s.at >= to - span / 4)
    const where = `runtime incarnation ${incarnation} (t=${seconds(from)}..${seconds(to)})`
    const memory = (label: string, read: (s: ResourceSample) => number, max: number): string => {
      const start = median(first.map(read))
      const end = median(last.map(read))
      const perMs = slope(samples.map((s) => ({ x: s.at, y: read(s) })))
      if (end - start > max && perMs > 0) {
        log.add(`${where}: ${label} grew ${mib(end - start)} MiB (bound ${mib(max)} MiB)`, from, to)
      }
      return `${label} ${mib(start)}→${mib(end)} MiB (${signedMib(perMs * 60_000)} MiB/min)`
    }
    const rss = memory('rss', (s) => s.rssBytes, b.maxRssGrowthBytes)
    const heap = memory('heap', (s) => s.heapUsedBytes, b.maxHeapGrowthBytes)
    const handlesBefore = Math.max(...first.map((s) => s.handles))
    const handlesAfter = median(last.map((s) => s.handles))
    if (handlesAfter - handlesBefore > b.maxHandleGrowth) {
      const grew = `handles grew from at most ${handlesBefore} to a median of ${handlesAfter}`
      log.add(`${where}: ${grew} (bound +${b.maxHandleGrowth})`, from, to)
    }
    parts.push(`#${incarnation} ${rss}, ${heap}, handles ${handlesBefore}→${handlesAfter}`)
  }
  if (parts.length === 0) {
    const why = skipped.length > 0 ? skipped.join('; ') : 'no samples'
    return log.result('resources', `too few samples to judge a trend (${why}; need ${seconds(b.minSpanMs)})`)
  }
  if (skipped.length > 0) parts.push(`${skipped.length} short incarnations skipped`)
  return log.result('resources', parts.join('; '))
}

/** The samples of each incarnation in time order. */
function samplesByIncarnation(samples: readonly ResourceSample[]): Map<number, ResourceSample[]> {
  const byIncarnation = new Map<number, ResourceSample[]>()
  for (const s of [...samples].sort((a, b) => a.at - b.at)) {
    const list = byIncarnation.get(s.incarnation)
    if (list) list.push(s)
    else byIncarnation.set(s.incarnation, [s])
  }
  return byIncarnation
}
