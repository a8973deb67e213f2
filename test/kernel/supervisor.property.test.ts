/**
 * Property tests of the supervisor on the virtual clock (issue #2): for random failure schedules
 * and random budgets, restarts in any window never exceed the intensity, every backoff lies in
 * [minMs, maxMs], and the supervisor escalates exactly when the sliding window overflows. fast-check
 * prints the failing seed and the shrunk schedule; the system seed is part of the input.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createActorSystem, settle, supervisor, VirtualClock } from '../../runtime/kernel/index.ts'
import { Journal, type ProbeMsg, probe } from '../support/probe.ts'

interface Observed {
  readonly kind: string
  readonly t: number
  readonly delayMs?: number
}

/** What OTP's rule says: the index of the failure that makes the supervisor give up, or -1. */
function modelEscalation(failures: readonly number[], intensity: number, periodMs: number): number {
  const accepted: number[] = []
  for (let i = 0; i < failures.length; i++) {
    const t = failures[i]!
    const inWindow = accepted.filter((a) => a >= t - periodMs).length
    if (inWindow + 1 > intensity) return i
    accepted.push(t)
  }
  return -1
}

describe('supervisor properties', () => {
  it('restarts never exceed the intensity in any window, backoff stays in [minMs, maxMs], escalation is exact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          intensity: fc.integer({ min: 0, max: 5 }),
          periodMs: fc.integer({ min: 50, max: 5000 }),
          minMs: fc.integer({ min: 0, max: 300 }),
          spanMs: fc.integer({ min: 0, max: 3000 }),
          jitter: fc.double({ min: 0, max: 1, noNaN: true }),
          gaps: fc.array(fc.integer({ min: 0, max: 2500 }), { minLength: 1, maxLength: 15 }),
        }),
        async ({ seed, intensity, periodMs, minMs, spanMs, jitter, gaps }) => {
          const maxMs = minMs + spanMs
          const clock = new VirtualClock()
          const system = createActorSystem({ clock, seed, onFatal: () => {} })
          const seen: Observed[] = []
          system.inspect((e) => {
            if (e.type !== '@petal.supervision') return
            seen.push({
              kind: e.kind,
              t: clock.now(),
              ...(e.delayMs === undefined ? {} : { delayMs: e.delayMs }),
            })
          })
          await system.start(
            supervisor({
              intensity,
              periodMs,
              backoff: { minMs, maxMs, jitter, resetAfterMs: 1e12 },
              children: [{ id: 'a', start: probe('a', new Journal()) }],
            }),
          )
          const a = system.lookup<ProbeMsg>('/a')!
          for (const gap of gaps) {
            await clock.advanceAsync(gap)
            a.tell({ type: 'boom' })
            await settle()
          }
          await clock.advanceAsync(maxMs * 20 + periodMs)
          await settle()

          const failures = seen.filter((e) => e.kind === 'failed').map((e) => e.t)
          const restarts = seen.filter((e) => e.kind === 'restart')
          const escalated = seen.filter((e) => e.kind === 'escalated')

          for (const r of restarts) {
            expect(r.delayMs).toBeGreaterThanOrEqual(minMs)
            expect(r.delayMs).toBeLessThanOrEqual(maxMs)
          }
          for (const r of restarts) {
            const inWindow = restarts.filter((x) => x.t >= r.t - periodMs && x.t <= r.t).length
            expect(inWindow).toBeLessThanOrEqual(intensity)
          }
          const giveUpAt = modelEscalation(failures, intensity, periodMs)
          if (giveUpAt === -1) {
            expect(escalated).toEqual([])
            expect(restarts).toHaveLength(failures.length)
          } else {
            expect(escalated).toHaveLength(1)
            expect(escalated[0]!.t).toBe(failures[giveUpAt])
            expect(restarts).toHaveLength(giveUpAt)
          }
        },
      ),
      { numRuns: 60 },
    )
  }, 120_000)
})
