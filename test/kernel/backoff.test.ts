/**
 * The backoff formula and the restart window as pure functions (runtime/kernel/backoff.ts,
 * RestartWindow.ts), including property tests over random inputs (issue #2).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoffDelay, RestartWindow, resolveBackoff, seededRandom } from '../../runtime/kernel/index.ts'

describe('backoffDelay', () => {
  it('doubles from minMs up to maxMs without jitter: 100, 200, 400, ..., 6400, 10000', () => {
    const b = resolveBackoff({ minMs: 100, maxMs: 10_000, jitter: 0 })
    const r = seededRandom(1)
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, b, r))).toEqual([
      100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000,
    ])
  })

  it('defaults: no backoff (restart at once); resetAfterMs is (minMs + maxMs) / 2', () => {
    expect(backoffDelay(5, resolveBackoff(undefined), Math.random)).toBe(0)
    expect(resolveBackoff({ minMs: 100, maxMs: 900 }).resetAfterMs).toBe(500)
    expect(resolveBackoff({ minMs: 100 }).maxMs).toBe(30_000)
  })

  it('any attempt, any jitter: the delay lies in [minMs, maxMs]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer(),
        (minMs, span, jitter, attempt, seed) => {
          const b = resolveBackoff({ minMs, maxMs: minMs + span, jitter })
          const d = backoffDelay(attempt, b, seededRandom(seed))
          return d >= minMs && d <= minMs + span
        },
      ),
    )
  })

  it('rejects a cap below the minimum and jitter outside [0, 1], naming the field', () => {
    expect(() => resolveBackoff({ minMs: 100, maxMs: 10 })).toThrow(
      /backoff.maxMs must be >= minMs \(100\), got 10/,
    )
    expect(() => resolveBackoff({ jitter: 2 })).toThrow(/backoff.jitter must be in \[0, 1\], got 2/)
  })
})

describe('RestartWindow', () => {
  it('allows `intensity` restarts within the period and refuses the next', () => {
    const w = new RestartWindow(2, 1000)
    expect([w.add(0), w.add(10), w.add(20)]).toEqual([true, true, false])
  })

  it('is inclusive at the edge and slides with time', () => {
    const w = new RestartWindow(1, 1000)
    expect(w.add(0)).toBe(true)
    expect(w.add(1000)).toBe(false)
    const v = new RestartWindow(1, 1000)
    expect(v.add(0)).toBe(true)
    expect(v.add(1001)).toBe(true)
    expect(v.countAt(1001)).toBe(1)
  })

  it('matches a brute-force count for random timestamps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 40 }),
        (intensity, period, gaps) => {
          const w = new RestartWindow(intensity, period)
          const stamps: number[] = []
          let t = 0
          for (const g of gaps) {
            t += g
            const expected = stamps.filter((s) => s >= t - period).length + 1 <= intensity
            stamps.push(t)
            if (w.add(t) !== expected) return false
          }
          return true
        },
      ),
    )
  })

  it('refuses a negative intensity or a non-positive period', () => {
    expect(() => new RestartWindow(-1, 10)).toThrow(/intensity must be an integer >= 0, got -1/)
    expect(() => new RestartWindow(1, 0)).toThrow(/periodMs must be > 0, got 0/)
  })
})
