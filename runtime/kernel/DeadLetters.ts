/**
 * Dead letters: messages dropped by an overflow policy, refused by a `reject` mailbox, sent to an
 * actor that is stopped, or dropped by the `mailbox.drop` fault point (reason `fault`). All are counted (by reason); logging is rate-limited as Akka does it: the
 * first `logLimit` (default 10) are logged, then logging pauses for `suspendMs` (default 5 min)
 * and resumes with a summary of how many went unlogged.
 */
import type { Clock } from './Clock.ts'
import type { Logger } from './Logger.ts'

/** Why a message became a dead letter. */
export type DeadLetterReason = 'dropped-newest' | 'dropped-oldest' | 'rejected' | 'stopped' | 'fault'

/** Rate limit of dead-letter logging. */
export interface DeadLetterLogOptions {
  readonly logLimit?: number
  readonly suspendMs?: number
}

/**
 * Counts dead letters and logs them at a limited rate.
 *
 * @category observability
 */
export class DeadLetters {
  /** Total dead letters since the system started. */
  count = 0
  readonly byReason: Record<DeadLetterReason, number> = {
    'dropped-newest': 0,
    'dropped-oldest': 0,
    rejected: 0,
    stopped: 0,
    fault: 0,
  }
  private logged = 0
  private suspendedUntil = -1
  private unlogged = 0
  private readonly logLimit: number
  private readonly suspendMs: number

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    options: DeadLetterLogOptions = {},
  ) {
    this.logLimit = options.logLimit ?? 10
    this.suspendMs = options.suspendMs ?? 300_000
  }

  record(path: string, messageType: string, reason: DeadLetterReason): void {
    this.count++
    this.byReason[reason]++
    const now = this.clock.now()
    if (this.suspendedUntil >= 0) {
      if (now < this.suspendedUntil) {
        this.unlogged++
        return
      }
      this.log.warn({ unlogged: this.unlogged }, `dead letters: ${this.unlogged} not logged while suspended`)
      this.suspendedUntil = -1
      this.logged = 0
      this.unlogged = 0
    }
    this.logged++
    this.log.warn({ path, messageType, reason }, `dead letter to ${path}: '${messageType}' (${reason})`)
    if (this.logged >= this.logLimit) {
      this.suspendedUntil = now + this.suspendMs
      this.log.warn(
        { suspendMs: this.suspendMs },
        `dead letters: logging suspended for ${this.suspendMs} ms after ${this.logLimit}`,
      )
    }
  }
}
