/**
 * The reconnect bookkeeping every transport shares: whether the link is up, whether its owner
 * closed it, and the backoff retry of `open` (`reconnectDelay`: 0.5 s doubling to 5 s, reset once
 * the link comes up). After `close`, no retry is scheduled and a pending one is cancelled.
 */
import { reconnectDelay, type Timers, type TransportHandlers } from './Transport.ts'

/**
 * One transport's link state and retry timer; the transport owns the socket, this owns when to
 * open it again and when to tell its handlers.
 *
 * @example
 * ```ts
 * const link = new Reconnector(handlers, timers)
 * link.start(() => {
 *   const s = connect(port, host)
 *   s.on('connect', () => link.opened())
 *   s.on('close', () => link.dropped('connection closed'))
 * })
 * ```
 * @category transports
 */
export class Reconnector {
  #up = false
  #closed = false
  #attempt = 0
  #cancelRetry: (() => void) | undefined
  #open: () => void = () => {}

  constructor(
    private readonly handlers: TransportHandlers,
    private readonly timers: Timers,
  ) {}

  /** True while the link is usable. */
  get up(): boolean {
    return this.#up
  }

  /** True once the owner closed the transport. */
  get closed(): boolean {
    return this.#closed
  }

  /** Calls `open` now, and again after each failure (with backoff) until `close`. */
  start(open: () => void): void {
    this.#open = () => {
      if (!this.#closed) open()
    }
    this.#open()
  }

  /** The link came up: resets the backoff and tells the handlers. */
  opened(): void {
    this.#attempt = 0
    this.#up = true
    this.handlers.onUp()
  }

  /** Opening failed (or the link must be reopened): marks it down and schedules a retry, silently. */
  failed(): void {
    this.#up = false
    if (!this.#closed) this.#cancelRetry = this.timers.setTimeout(this.#open, reconnectDelay(this.#attempt++))
  }

  /** The link went away: tells the handlers `reason` if it was up, and schedules a retry. */
  dropped(reason: string): void {
    const wasUp = this.#up
    this.#up = false
    if (wasUp) this.handlers.onDown(reason)
    this.failed()
  }

  /** The owner closes the transport: down for good, the pending retry cancelled. */
  close(): void {
    this.#closed = true
    this.#cancelRetry?.()
    this.#up = false
  }
}
