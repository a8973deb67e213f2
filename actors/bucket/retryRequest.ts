/**
 * One S3 request with retries, described with effect: attempts up to `attempts`, waiting
 * `minMs * 2^n` between them, never more than `maxMs` (`Schedule.exponential` united with
 * `Schedule.spaced(maxMs)`, intersected with `Schedule.recurs`). `signal` (a job's cancel)
 * interrupts it, and the interruption aborts the request in flight. Resolves with the value and how
 * many attempts were retried; rejects with the last error (or the signal's reason).
 */
import * as Cause from 'effect/Cause'
import * as Duration from 'effect/Duration'
import * as Effect from 'effect/Effect'
import * as Exit from 'effect/Exit'
import * as Schedule from 'effect/Schedule'

/** How a request is retried. */
export interface RetryPolicy {
  readonly attempts: number
  readonly minMs: number
  readonly maxMs: number
}

/**
 * Runs `request` under `policy`.
 *
 * @example
 * const { value } = await retryRequest((signal) => client.send(cmd, { abortSignal: signal }), { attempts: 6, minMs: 250, maxMs: 4000 })
 *
 * @category error handling
 */
export async function retryRequest<T>(
  request: (signal: AbortSignal) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<{ value: T; retried: number }> {
  let tries = 0
  const once = Effect.tryPromise({
    try: (interrupted) => {
      tries++
      return request(interrupted)
    },
    catch: (e) => e,
  })
  const schedule = Schedule.exponential(Duration.millis(policy.minMs)).pipe(
    Schedule.union(Schedule.spaced(Duration.millis(policy.maxMs))),
    Schedule.intersect(Schedule.recurs(Math.max(0, policy.attempts - 1))),
  )
  const exit = await Effect.runPromiseExit(
    Effect.retry(once, schedule),
    signal === undefined ? undefined : { signal },
  )
  if (Exit.isSuccess(exit)) return { value: exit.value, retried: tries - 1 }
  if (Cause.isInterruptedOnly(exit.cause)) throw signal?.reason ?? new Error('request interrupted')
  throw Cause.squash(exit.cause)
}
