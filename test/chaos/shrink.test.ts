/**
 * Schedule shrinking (scripts/chaos/shrink.ts, issue #7): ddmin finds a 1-minimal failing subset
 * within a bounded number of replays, suspects are the faults overlapping a violation window, and
 * shrinkSchedule tries them first.
 */
import { describe, expect, it } from 'vitest'
import type { FaultEvent } from '../../scripts/chaos/history.ts'
import { ddmin, shrinkSchedule, suspectFaults } from '../../scripts/chaos/shrink.ts'

/** A `fails` that fails when the subset holds all of `culprits`, counting its calls. */
function failsWith<T>(culprits: readonly T[]) {
  const calls: T[][] = []
  const fails = async (subset: readonly T[]) => {
    calls.push([...subset])
    return culprits.every((c) => subset.includes(c))
  }
  return { fails, calls }
}

const items = Array.from({ length: 20 }, (_, i) => i)

describe('ddmin', () => {
  it('finds the one minimal failing pair among 20 items within a bounded number of calls', async () => {
    let worst = 0
    for (let a = 0; a < 20; a++) {
      for (let b = a + 1; b < 20; b++) {
        const { fails, calls } = failsWith([a, b])
        expect(await ddmin(items, fails)).toEqual([a, b])
        // No subset is replayed twice.
        expect(new Set(calls.map((c) => c.join(','))).size).toBe(calls.length)
        worst = Math.max(worst, calls.length)
      }
    }
    // Every one of the 190 pairs: at most 33 calls (mean 23), against 190 to test every pair.
    expect(worst).toBeLessThanOrEqual(35)
  })

  it('returns a 1-minimal subset: dropping any one item makes it pass', async () => {
    // Fails when {2, 5} or {5, 7, 11} is present: either answer is 1-minimal.
    const fails = async (s: readonly number[]) =>
      (s.includes(2) && s.includes(5)) || (s.includes(5) && s.includes(7) && s.includes(11))
    const minimal = await ddmin(items, fails)
    expect(await fails(minimal)).toBe(true)
    for (const drop of minimal) expect(await fails(minimal.filter((x) => x !== drop))).toBe(false)
  })

  it('finds a single culprit and keeps the original order', async () => {
    expect(await ddmin(items, failsWith([13]).fails)).toEqual([13])
    expect(await ddmin(['c', 'a', 'b'], failsWith(['b', 'c']).fails)).toEqual(['c', 'b'])
  })

  it('returns the empty subset when the run fails without any fault', async () => {
    const { fails, calls } = failsWith<number>([])
    expect(await ddmin(items, fails)).toEqual([])
    expect(calls).toEqual([[]])
  })

  it('tells equal items apart (subsets are tracked by position)', async () => {
    let count = 0
    const fails = async (s: readonly string[]) => {
      count++
      return s.filter((x) => x === 'k').length >= 2
    }
    expect(await ddmin(['k', 'x', 'k', 'x', 'k'], fails)).toEqual(['k', 'k'])
    expect(count).toBeLessThan(20)
  })
})

const fault = (id: number, at: number, durationMs: number): FaultEvent => ({
  id,
  at,
  kind: 'redis-kill',
  durationMs,
})

describe('suspectFaults', () => {
  const schedule = [fault(0, 0, 1000), fault(1, 10_000, 2000), fault(2, 19_000, 500), fault(3, 40_000, 1000)]

  it('keeps the faults active within the margin of the window', () => {
    expect(suspectFaults(schedule, { from: 20_000, to: 25_000 }, 0).map((f) => f.id)).toEqual([])
    expect(suspectFaults(schedule, { from: 19_400, to: 25_000 }, 0).map((f) => f.id)).toEqual([2])
    expect(suspectFaults(schedule, { from: 20_000, to: 25_000 }, 8000).map((f) => f.id)).toEqual([1, 2])
    expect(suspectFaults(schedule, { from: 20_000, to: 35_000 }, 5000).map((f) => f.id)).toEqual([2, 3])
  })
})

describe('shrinkSchedule', () => {
  const schedule = Array.from({ length: 12 }, (_, i) => fault(i, i * 10_000, 1000))

  it('starts from the suspects of the window when they still fail', async () => {
    const { fails, calls } = failsWith([schedule[7]!])
    const minimal = await shrinkSchedule(schedule, fails, {
      window: { from: 72_000, to: 80_000 },
      marginMs: 5000,
    })
    expect(minimal.map((f) => f.id)).toEqual([7])
    expect(calls[0]!.map((f) => f.id)).toEqual([7, 8])
    expect(calls.every((c) => c.every((f) => f.id === 7 || f.id === 8))).toBe(true)
  })

  it('falls back to the whole schedule when the suspects alone pass', async () => {
    const { fails } = failsWith([schedule[1]!, schedule[7]!])
    const minimal = await shrinkSchedule(schedule, fails, {
      window: { from: 72_000, to: 80_000 },
      marginMs: 5000,
    })
    expect(minimal.map((f) => f.id)).toEqual([1, 7])
  })
})
