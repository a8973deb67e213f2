/**
 * Schedule shrinking: Zeller's delta debugging (`ddmin`) finds a 1-minimal subset of faults that
 * still breaks an invariant (removing any one more fault makes the run pass). Each test is a whole
 * replay, so results are cached and the empty schedule is tried first (a bug with no fault at all).
 * `shrinkSchedule` first tries the faults overlapping the violation window (`suspectFaults`).
 * Gotcha: ddmin trusts `fails`; a flaky replay shrinks to a subset that failed once.
 */
import type { FaultEvent } from './history.ts'

/**
 * A 1-minimal failing subset of `items`, in their original order (Zeller & Hildebrandt 2002).
 * Assumes `fails(items)` is true; returns `[]` when `fails([])` is already true, and `items`
 * unchanged when no smaller subset fails. Each distinct subset is tested at most once.
 *
 * @example
 * await ddmin(schedule, async (faults) => !(await replay(faults)).every((r) => r.ok))
 *
 * @category shrinking
 */
export async function ddmin<T>(
  items: readonly T[],
  fails: (subset: readonly T[]) => Promise<boolean>,
): Promise<T[]> {
  const tested = new Map<string, boolean>()
  const test = async (indices: readonly number[]): Promise<boolean> => {
    const key = indices.join(',')
    const known = tested.get(key)
    if (known !== undefined) return known
    const result = await fails(indices.map((i) => items[i]!))
    tested.set(key, result)
    return result
  }
  let current = items.map((_, i) => i)
  if (current.length === 0 || (await test([]))) return []
  let n = 2
  while (current.length >= 2) {
    const chunks = split(current, n)
    const subset = await firstFailing(chunks, test)
    if (subset !== undefined) {
      current = subset
      n = 2
      continue
    }
    // With two chunks each complement is the other chunk, already tested.
    const complements = n > 2 ? chunks.map((_, i) => chunks.filter((_, j) => j !== i).flat()) : []
    const complement = await firstFailing(complements, test)
    if (complement !== undefined) {
      current = complement
      n = Math.max(n - 1, 2)
      continue
    }
    if (n >= current.length) break
    n = Math.min(current.length, 2 * n)
  }
  return current.map((i) => items[i]!)
}

/** The faults active within `marginMs` of `window`: they start before its end and end after its start. */
export function suspectFaults(
  schedule: readonly FaultEvent[],
  window: { readonly from: number; readonly to: number },
  marginMs: number,
): FaultEvent[] {
  return schedule.filter((f) => f.at <= window.to + marginMs && f.at + f.durationMs >= window.from - marginMs)
}

/**
 * Shrinks a failing schedule: when the suspects of `window` (see `suspectFaults`, margin default
 * 10 s) are fewer than the whole schedule and still fail, ddmin starts from them; else from the
 * whole schedule.
 *
 * @example
 * const minimal = await shrinkSchedule(history.schedule, replayFails, { window: result.window })
 *
 * @category shrinking
 */
export async function shrinkSchedule(
  schedule: readonly FaultEvent[],
  fails: (subset: readonly FaultEvent[]) => Promise<boolean>,
  options: {
    readonly window?: { readonly from: number; readonly to: number }
    readonly marginMs?: number
  } = {},
): Promise<FaultEvent[]> {
  if (options.window !== undefined) {
    const suspects = suspectFaults(schedule, options.window, options.marginMs ?? 10_000)
    if (suspects.length < schedule.length && (await fails(suspects))) return ddmin(suspects, fails)
  }
  return ddmin(schedule, fails)
}

/** `items` cut into `n` contiguous chunks of near-equal size (the first ones one longer). */
function split(items: readonly number[], n: number): number[][] {
  const chunks: number[][] = []
  let start = 0
  for (let i = 0; i < n; i++) {
    const size = Math.floor(items.length / n) + (i < items.length % n ? 1 : 0)
    chunks.push(items.slice(start, start + size))
    start += size
  }
  return chunks
}

async function firstFailing(
  candidates: readonly number[][],
  test: (indices: readonly number[]) => Promise<boolean>,
): Promise<number[] | undefined> {
  for (const c of candidates) if (await test(c)) return c
  return undefined
}
