/**
 * The waiting side of an `ask`: settles once (later calls are ignored) and clears its time-out
 * timer when it does.
 */
import type { Reply } from './Behavior.ts'
import type { Clock, TimerHandle } from './Clock.ts'

/**
 * A one-shot reply slot bound to a promise.
 *
 * @category internals
 */
export class PendingReply implements Reply {
  settled = false
  timer: TimerHandle | undefined = undefined

  constructor(
    private readonly res: (value: unknown) => void,
    private readonly rej: (error: unknown) => void,
    private readonly clock: Clock,
  ) {}

  resolve(value: unknown): void {
    if (this.settled) return
    this.settled = true
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.res(value)
  }

  reject(error: unknown): void {
    if (this.settled) return
    this.settled = true
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.rej(error)
  }
}
