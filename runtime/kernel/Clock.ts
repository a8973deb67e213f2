/**
 * The time source every kernel timer goes through: ask time-outs, restart backoff, handler time
 * limits, actor timers and XState delays. `now()` is monotonic milliseconds (not wall time). The
 * shape is a superset of XState's `Clock`, so one clock can be handed to machines started by actors.
 * Production uses {@link realClock}; tests use `VirtualClock`, which only moves when told to.
 */

/** An opaque timer handle; only the clock that made it can cancel it. */
export type TimerHandle = unknown

/**
 * A monotonic clock with timers.
 *
 * @category models
 */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never goes backwards. */
  now(): number
  setTimeout(fn: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

/**
 * The process clock: `performance.now()` and Node's timers. Timers are `unref`'d so a pending
 * backoff or ask time-out never keeps a finished process alive.
 *
 * @category constructors
 */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms)
    t.unref()
    return t
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout)
  },
}
