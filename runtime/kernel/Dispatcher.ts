/**
 * The run queue shared by every actor of a system. An actor with work is queued once; the queue is
 * drained in a microtask, each actor handling up to `throughput` (default 64) messages per turn so
 * one busy actor cannot starve the others. After `turnBudget` (default 4096) messages in one drain
 * the dispatcher yields to the event loop (`setImmediate`), so I/O callbacks and timers still run
 * under a message flood.
 */

/** Something the dispatcher can run: an actor cell. */
export interface Runnable {
  /** True while queued; set by the dispatcher. */
  scheduled: boolean
  /** Handles up to `budget` messages; returns how many it handled. */
  run(budget: number): number
}

/**
 * FIFO of runnable actors, drained in microtasks.
 *
 * @category internals
 */
export class Dispatcher {
  private ring: (Runnable | undefined)[] = new Array(16)
  private head = 0
  private count = 0
  private pending = false

  constructor(
    private readonly throughput = 64,
    private readonly turnBudget = 4096,
  ) {}

  schedule(r: Runnable): void {
    r.scheduled = true
    if (this.count === this.ring.length) this.grow()
    this.ring[(this.head + this.count) & (this.ring.length - 1)] = r
    this.count++
    if (!this.pending) {
      this.pending = true
      queueMicrotask(this.drain)
    }
  }

  private readonly drain = (): void => {
    let handled = 0
    while (this.count > 0) {
      const ring = this.ring
      const r = ring[this.head]!
      ring[this.head] = undefined
      this.head = (this.head + 1) & (ring.length - 1)
      this.count--
      r.scheduled = false
      handled += r.run(this.throughput)
      if (handled >= this.turnBudget && this.count > 0) {
        setImmediate(this.drain)
        return
      }
    }
    this.pending = false
  }

  private grow(): void {
    const old = this.ring
    const next: (Runnable | undefined)[] = new Array(old.length * 2)
    for (let k = 0; k < this.count; k++) next[k] = old[(this.head + k) & (old.length - 1)]
    this.ring = next
    this.head = 0
  }
}
