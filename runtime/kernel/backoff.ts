/**
 * Exponential restart backoff with jitter that never passes the cap. The n-th consecutive restart
 * (n from 0) waits `min(maxMs, minMs * 2^n * (1 + r * jitter))`, r uniform in [0, 1): 100 ms and
 * 10 s with no jitter give 100, 200, 400, ... 6400, 10000, 10000 ms. Every delay lies in
 * `[minMs, maxMs]`. The count resets once the child has run `resetAfterMs` (default
 * `(minMs + maxMs) / 2`, as Akka) without failing.
 */
import type { Random } from './seededRandom.ts'

/** Backoff between restarts of one child. All fields are optional with documented defaults. */
export interface BackoffOptions {
  /** First delay, ms. Default 0 (restart at once, as OTP). */
  readonly minMs?: number
  /** Cap, ms; never exceeded, jitter included. Default `max(minMs, 30_000)` when minMs > 0, else 0. */
  readonly maxMs?: number
  /** Relative jitter added on top of the exponential step, in [0, 1]. Default 0.2. */
  readonly jitter?: number
  /** Run time after which the consecutive-restart count resets. Default (minMs + maxMs) / 2. */
  readonly resetAfterMs?: number
}

/** Backoff with every default filled in. */
export interface Backoff {
  readonly minMs: number
  readonly maxMs: number
  readonly jitter: number
  readonly resetAfterMs: number
}

/** Fills defaults and validates; throws a `RangeError` naming the bad field. */
export function resolveBackoff(options: BackoffOptions | undefined): Backoff {
  const minMs = options?.minMs ?? 0
  const maxMs = options?.maxMs ?? (minMs > 0 ? Math.max(minMs, 30_000) : 0)
  const jitter = options?.jitter ?? 0.2
  const resetAfterMs = options?.resetAfterMs ?? (minMs + maxMs) / 2
  if (!(minMs >= 0) || !Number.isFinite(minMs))
    throw new RangeError(`backoff.minMs must be >= 0, got ${minMs}`)
  if (!(maxMs >= minMs) || !Number.isFinite(maxMs)) {
    throw new RangeError(`backoff.maxMs must be >= minMs (${minMs}), got ${maxMs}`)
  }
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`backoff.jitter must be in [0, 1], got ${jitter}`)
  if (!(resetAfterMs >= 0)) throw new RangeError(`backoff.resetAfterMs must be >= 0, got ${resetAfterMs}`)
  return { minMs, maxMs, jitter, resetAfterMs }
}

/**
 * The delay before the `attempt`-th consecutive restart (0-based).
 *
 * @example
 * backoffDelay(3, resolveBackoff({ minMs: 100, maxMs: 10_000, jitter: 0 }), Math.random) // 800
 *
 * @category supervision
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: Random): number {
  if (backoff.maxMs === 0) return 0
  // 2^attempt overflows to Infinity past ~1023; min() keeps the cap.
  const step = backoff.minMs * 2 ** Math.min(attempt, 1023)
  const jittered = step * (1 + random() * backoff.jitter)
  return Math.min(backoff.maxMs, Math.max(backoff.minMs, jittered))
}
