/**
 * What one incarnation of an actor owns besides its state: its pending timers and its cleanups.
 * When the incarnation ends, timers are cancelled and cleanups run in reverse registration order
 * (each awaited, unless the end is forced, when they are started and left to finish on their own).
 */
import type { Clock, TimerHandle } from './Clock.ts'
import { describeError } from './errors.ts'
import type { Logger } from './Logger.ts'

/** A resource closer; `forced` is true when the actor was abandoned past its shutdown budget. */
export type Cleanup = (forced: boolean) => unknown

/**
 * Timers and cleanups of one incarnation.
 *
 * @category internals
 */
export class OwnedResources {
  private timers: Set<TimerHandle> | null = null
  private cleanups: Cleanup[] | null = null

  constructor(private readonly clock: Clock) {}

  /**
   * Starts a timer that is cancelled with the incarnation; returns its cancel function. `late`,
   * when given, adds its answer (when > 0) to `ms` (the `timer.late` fault point).
   */
  addTimer(fn: () => void, ms: number, late?: () => number): () => void {
    if (this.timers === null) this.timers = new Set()
    const timers = this.timers
    const due = late === undefined ? ms : ms + Math.max(0, late())
    const handle = this.clock.setTimeout(() => {
      timers.delete(handle)
      fn()
    }, due)
    timers.add(handle)
    return () => {
      if (timers.delete(handle)) this.clock.clearTimeout(handle)
    }
  }

  /** A repeating timer, re-armed before each call (each period `late`, as for addTimer). */
  addInterval(fn: () => void, ms: number, late?: () => number): () => void {
    let active = true
    let cancel = (): void => {}
    const tick = (): void => {
      if (!active) return
      cancel = this.addTimer(tick, ms, late)
      fn()
    }
    cancel = this.addTimer(tick, ms, late)
    return () => {
      active = false
      cancel()
    }
  }

  addCleanup(close: Cleanup): void {
    if (this.cleanups === null) this.cleanups = [close]
    else this.cleanups.push(close)
  }

  get hasCleanups(): boolean {
    return this.cleanups !== null
  }

  cancelTimers(): void {
    const timers = this.timers
    if (timers === null) return
    this.timers = null
    for (const t of timers) this.clock.clearTimeout(t)
  }

  /** Runs every cleanup, newest first; a throwing cleanup is logged and the rest still run. */
  async runCleanups(forced: boolean, log: Logger, path: string): Promise<void> {
    const list = this.cleanups
    this.cleanups = null
    if (list === null) return
    for (let i = list.length - 1; i >= 0; i--) {
      try {
        const r = list[i]!(forced)
        if (isThenable(r)) {
          if (forced) r.then(undefined, (e: unknown) => logCleanupError(log, path, e))
          else await r
        }
      } catch (e) {
        logCleanupError(log, path, e)
      }
    }
  }
}

function logCleanupError(log: Logger, path: string, e: unknown): void {
  log.warn({ err: e, path }, `cleanup of ${path} threw: ${describeError(e)}`)
}

/** True for promises and other thenables. */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function'
}

/**
 * Resolves true when `work` settles within `ms` (on `clock`), false when the deadline comes
 * first. An infinite `ms` waits for `work` alone.
 */
export function withinDeadline(clock: Clock, ms: number, work: Promise<unknown>): Promise<boolean> {
  const done = work.then(
    () => true,
    () => true,
  )
  if (!Number.isFinite(ms)) return done
  return new Promise<boolean>((resolve) => {
    const timer = clock.setTimeout(() => resolve(false), ms)
    done.then((v) => {
      clock.clearTimeout(timer)
      resolve(v)
    })
  })
}
