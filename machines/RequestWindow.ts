/**
 * The sliding window shared by the bulk flows: each request (a parameter name, or an index) is
 * tracked on its own, so a slot is freed when its request is answered, found wrong, or has waited
 * a resend interval; a lost request or a lost reply therefore never leaks a slot (the original's
 * window stalled that way). Resends go before new requests. A request is sent at most
 * `1 + maxRetries` times. With `adaptive`, the window follows the link (as TCP Vegas): each
 * first-attempt answer estimates the requests queued in the link, `limit × (1 − minRtt / rtt)`;
 * below 2 the window grows by one (doubling per round trip), above 6 it shrinks by one, within
 * `[maxInFlight, adaptive.max]`. Random loss does not shrink it; only queueing delay does. It is
 * bookkeeping only: the caller decides what "answered" means and sends what `fill` hands it.
 */
import type { RttEstimator } from './RttEstimator.ts'

interface Entry<K> {
  readonly key: K
  attempts: number
  sentAt: number
  inFlight: boolean
}

/**
 * Per-request flow control.
 *
 * @example
 * const w = new RequestWindow<string>({ maxInFlight: 8, maxRetries: 3 }, rtt)
 * w.add('RTL_ALT')
 * w.fill(clock.now(), (name, attempt) => sendParamSet(name))
 *
 * @category flow control
 */
export class RequestWindow<K> {
  private readonly entries = new Map<K, Entry<K>>()
  private readonly fresh: K[] = []
  private freshPos = 0
  private retry: K[] = []
  private readonly flying = new Set<Entry<K>>()
  /** Slots; may be changed while running. */
  limit: number
  /** Transmissions so far. */
  sent = 0

  private readonly floor: number
  private readonly ceiling: number

  constructor(
    options: {
      readonly maxInFlight: number
      readonly maxRetries: number
      /** Grow the window up to `max` while the link does not queue. */
      readonly adaptive?: { readonly max: number }
    },
    private readonly rtt: RttEstimator,
  ) {
    this.limit = Math.max(1, options.maxInFlight)
    this.floor = this.limit
    this.ceiling = options.adaptive === undefined ? this.limit : Math.max(this.limit, options.adaptive.max)
    this.maxAttempts = 1 + Math.max(0, options.maxRetries)
  }

  /** Transmissions allowed per request. */
  readonly maxAttempts: number

  /** Requests sent and not yet answered nor timed out. */
  get inFlight(): number {
    return this.flying.size
  }

  /** Queues a request (ignored when already pending). */
  add(key: K): void {
    if (this.entries.has(key)) return
    this.entries.set(key, { key, attempts: 0, sentAt: 0, inFlight: false })
    this.fresh.push(key)
  }

  /** True while `key` is queued or in flight. */
  has(key: K): boolean {
    return this.entries.has(key)
  }

  /** Transmissions of `key` so far (0 when unknown). */
  attempts(key: K): number {
    return this.entries.get(key)?.attempts ?? 0
  }

  /** Requests not yet answered. */
  get pending(): number {
    return this.entries.size
  }

  /** Keys still pending, in no particular order. */
  pendingKeys(): K[] {
    return [...this.entries.keys()]
  }

  /**
   * Frees the slots of requests that waited a full resend interval; returns those that have no
   * transmission left (they are removed). The others wait for `fill` to resend them.
   */
  expire(now: number): K[] {
    const interval = this.rtt.resendMs()
    const exhausted: K[] = []
    for (const e of this.flying) {
      if (now - e.sentAt < interval) continue
      e.inFlight = false
      this.flying.delete(e)
      if (e.attempts >= this.maxAttempts) {
        exhausted.push(e.key)
        this.entries.delete(e.key)
      } else this.retry.push(e.key)
    }
    return exhausted
  }

  /** Sends (through `send`) while a slot is free: resends first, then new requests. */
  fill(now: number, send: (key: K, attempt: number) => void): void {
    while (this.inFlight < this.limit) {
      let key: K | undefined
      if (this.retry.length > 0) key = this.retry.shift()
      else if (this.freshPos < this.fresh.length) key = this.fresh[this.freshPos++]
      else break
      const e = key === undefined ? undefined : this.entries.get(key)
      if (e === undefined || e.inFlight) continue
      e.attempts++
      e.sentAt = now
      e.inFlight = true
      this.flying.add(e)
      this.sent++
      send(e.key, e.attempts)
    }
    if (this.freshPos > 1024 && this.freshPos * 2 > this.fresh.length) {
      this.fresh.splice(0, this.freshPos)
      this.freshPos = 0
    }
  }

  /**
   * Marks `key` answered and removes it; returns its transmission count, or undefined when it was
   * not pending. A first-attempt answer is an RTT sample.
   */
  settle(key: K, now: number): number | undefined {
    const e = this.entries.get(key)
    if (e === undefined) return undefined
    if (e.inFlight) {
      this.flying.delete(e)
      if (e.attempts === 1) {
        const rtt = now - e.sentAt
        this.rtt.sample(rtt)
        if (this.ceiling > this.floor && rtt > 0) this.adapt(rtt)
      }
    }
    this.entries.delete(key)
    return e.attempts
  }

  /**
   * Frees `key`'s slot and queues it for an immediate resend (a wrong answer). Returns false, and
   * removes it, when it has no transmission left.
   */
  retryNow(key: K): boolean {
    const e = this.entries.get(key)
    if (e === undefined) return false
    if (e.inFlight) {
      e.inFlight = false
      this.flying.delete(e)
    }
    if (e.attempts >= this.maxAttempts) {
      this.entries.delete(key)
      return false
    }
    if (e.attempts > 0 && !this.retry.includes(key)) this.retry.unshift(key)
    return true
  }

  private adapt(rtt: number): void {
    const queued = this.limit * (1 - (this.rtt.min ?? rtt) / rtt)
    if (queued < 2) this.limit = Math.min(this.ceiling, this.limit + 1)
    else if (queued > 6) this.limit = Math.max(this.floor, this.limit - 1)
  }

  /** When the earliest in-flight request's resend interval ends; undefined when none is in flight. */
  nextExpiry(): number | undefined {
    const interval = this.rtt.resendMs()
    let min: number | undefined
    for (const e of this.flying) if (min === undefined || e.sentAt + interval < min) min = e.sentAt + interval
    return min
  }

  /** Removes every pending request; returns their keys. */
  drain(): K[] {
    const keys = [...this.entries.keys()]
    this.entries.clear()
    this.retry = []
    this.fresh.length = 0
    this.freshPos = 0
    this.flying.clear()
    return keys
  }
}
