/**
 * The fault schedule of a chaos run, drawn from its seed: every fault kind once in a shuffled
 * order (so even a short run exercises them all), then more faults at random until the end of the
 * load phase, about one every `meanGapMs` (runtime kills at most one per 150 s, so each runtime
 * incarnation lives long enough to judge its memory). Faults overlap on purpose (a lossy link while Redis is
 * down); two outages of the same server never do, nor two runtime kills. The same seed and duration
 * always give the same schedule; `only` keeps a subset by id (replaying a shrunk schedule).
 */
import { seededRandom } from '../../runtime/kernel/index.ts'
import type { FaultEvent, FaultKind } from './history.ts'

const KINDS: readonly FaultKind[] = [
  'link-loss',
  'link-cut',
  'redis-kill',
  'mqtt-kill',
  'cloud-down',
  'petal-crash-loop',
  'runtime-kill',
]

/** At most one runtime kill per this much of the load phase (at least one per run). */
const RUNTIME_KILL_EVERY_MS = 150_000

/** How long each kind lasts, ms: [min, max). */
const DURATION: Readonly<Record<FaultKind, readonly [number, number]>> = {
  'link-loss': [3000, 10_000],
  'link-cut': [1000, 5000],
  'redis-kill': [500, 4000],
  'mqtt-kill': [500, 4000],
  'cloud-down': [2000, 10_000],
  'petal-crash-loop': [0, 0],
  'runtime-kill': [200, 2000],
}

/** Options of {@link makeSchedule}. */
export interface ScheduleOptions {
  readonly seed: number
  /** When faults may start: [warmupMs, loadMs). */
  readonly warmupMs: number
  readonly loadMs: number
  /** Mean gap between fault starts. */
  readonly meanGapMs: number
  /** Kinds left out (e.g. 'cloud-down' without DynamoDB). */
  readonly without?: readonly FaultKind[]
}

/**
 * The schedule, sorted by start time, each fault with its id.
 *
 * @example
 * makeSchedule({ seed: 1, warmupMs: 5000, loadMs: 60_000, meanGapMs: 5000 })
 */
export function makeSchedule(o: ScheduleOptions): FaultEvent[] {
  const random = seededRandom(o.seed)
  const kinds = KINDS.filter((k) => !o.without?.includes(k))
  const span = o.loadMs - o.warmupMs
  const count = Math.max(kinds.length, Math.round(span / o.meanGapMs))
  const wanted: FaultKind[] = [...kinds]
  for (let i = wanted.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[wanted[i], wanted[j]] = [wanted[j]!, wanted[i]!]
  }
  // Runtime kills stay rare (one per RUNTIME_KILL_EVERY_MS), so incarnations live long enough to
  // judge their memory and handles; the other kinds fill the rest at random.
  const others = kinds.filter((k) => k !== 'runtime-kill')
  let kills = wanted.includes('runtime-kill') ? 1 : 0
  const maxKills = Math.max(kills, Math.floor(span / RUNTIME_KILL_EVERY_MS))
  while (wanted.length < count) {
    const pick =
      kills < maxKills && random() < maxKills / count
        ? 'runtime-kill'
        : others[Math.floor(random() * others.length)]!
    if (pick === 'runtime-kill') kills++
    wanted.push(pick)
  }
  const busyUntil = new Map<FaultKind, number>()
  const out: Omit<FaultEvent, 'id'>[] = []
  wanted.forEach((kind, i) => {
    const [lo, hi] = DURATION[kind]
    const durationMs = Math.round(lo + random() * (hi - lo))
    // Spread the starts evenly with jitter; push past an outage of the same kind still running.
    const slot = o.warmupMs + (span * (i + random() * 0.8)) / wanted.length
    const at = Math.round(Math.max(slot, (busyUntil.get(kind) ?? 0) + 500))
    if (at + durationMs > o.loadMs) return
    busyUntil.set(kind, at + durationMs)
    out.push({
      at,
      kind,
      durationMs,
      ...(kind === 'link-loss' ? { loss: Math.round((0.1 + random() * 0.4) * 100) / 100 } : {}),
      ...(kind === 'petal-crash-loop' ? { crashes: 2 + Math.floor(random() * 5) } : {}),
    })
  })
  out.sort((a, b) => a.at - b.at)
  return out.map((e, id) => ({ id, ...e }))
}

/** The faults whose ids are in `ids` (all when `ids` is undefined). */
export function keepOnly(
  schedule: readonly FaultEvent[],
  ids: ReadonlySet<number> | undefined,
): FaultEvent[] {
  return ids === undefined ? [...schedule] : schedule.filter((e) => ids.has(e.id))
}
