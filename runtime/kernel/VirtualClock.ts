/**
 * A clock that only moves when a test moves it. Timers fire in (due time, creation order), so a run
 * is deterministic. `advance(ms)` fires due timers synchronously; `advanceAsync(ms)` also lets the
 * promise jobs that each timer starts settle before the next one fires, which is what actor code
 * with async `receive` needs.
 */
import type { Clock, TimerHandle } from './Clock.ts'

interface Timer {
  readonly id: number
  readonly due: number
  readonly fn: () => void
}

/**
 * A deterministic, manually advanced {@link Clock}.
 *
 * @example
 * const clock = new VirtualClock()
 * clock.setTimeout(() => console.log('fired'), 100)
 * clock.advance(100) // logs "fired"
 *
 * @category testing
 */
export class VirtualClock implements Clock {
  private time: number
  private seq = 0
  private timers: Timer[] = []

  constructor(start = 0) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { id: ++this.seq, due: this.time + Math.max(0, ms), fn }
    // Keep sorted by (due, id): insertion from the end is cheap for the usual increasing deadlines.
    let i = this.timers.length
    while (i > 0 && this.timers[i - 1]!.due > timer.due) i--
    this.timers.splice(i, 0, timer)
    return timer.id
  }

  clearTimeout(handle: TimerHandle): void {
    const i = this.timers.findIndex((t) => t.id === handle)
    if (i >= 0) this.timers.splice(i, 1)
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.timers.length
  }

  /** Due time of the next timer, or `undefined`. */
  nextDue(): number | undefined {
    return this.timers[0]?.due
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): void {
    const target = this.time + ms
    for (;;) {
      const next = this.timers[0]
      if (next === undefined || next.due > target) break
      this.timers.shift()
      this.time = next.due
      next.fn()
    }
    this.time = target
  }

  /**
   * As {@link advance}, but after each timer (and before the first) waits until the promise jobs
   * and immediates it started have run, so async actor code observes each instant in turn.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.time + ms
    await settle()
    for (;;) {
      const next = this.timers[0]
      if (next === undefined || next.due > target) break
      this.timers.shift()
      this.time = next.due
      next.fn()
      await settle()
    }
    this.time = target
    await settle()
  }

  /** Fires timers until none is left or `maxMs` of virtual time has passed. */
  async runAll(maxMs = 3_600_000): Promise<void> {
    const limit = this.time + maxMs
    await settle()
    while (this.timers.length > 0 && this.timers[0]!.due <= limit) {
      await this.advanceAsync(this.timers[0]!.due - this.time)
    }
  }
}

/** Lets pending promise jobs and immediates run (a few turns, for chains of awaits). */
export async function settle(turns = 4): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
