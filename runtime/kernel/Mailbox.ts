/**
 * A bounded two-lane mailbox. The user lane is a ring buffer allocated on first use and doubled as
 * needed up to the capacity (default 1024), then released again once drained, so an idle actor
 * holds no buffer. The system lane (stop, child exits, `terminated`) is unbounded, tiny in
 * practice, and always drained first. Overflow of the user lane follows the policy:
 * `drop-newest` refuses the new message, `drop-oldest` evicts the head, `reject` refuses it and the
 * sender is told (`ask` fails with `MailboxFull`).
 */

/** What happens when a message arrives at a full user lane. */
export type OverflowPolicy = 'drop-newest' | 'drop-oldest' | 'reject'

/** Default user-lane capacity. */
export const DEFAULT_MAILBOX_CAPACITY = 1024

const INITIAL_SLOTS = 8
const KEEP_SLOTS = 64

/**
 * The outcome of {@link Mailbox.push}: `true` when enqueued without loss; `false` when the new
 * message was refused; otherwise the evicted oldest entry (`drop-oldest`).
 */
export type PushOutcome<M, R> = true | false | { readonly msg: M; readonly reply: R | undefined }

/**
 * Ring-buffer mailbox with a priority system lane.
 *
 * @category models
 */
export class Mailbox<M, R = unknown, S = unknown> {
  private msgs: (M | undefined)[] | null = null
  private replies: (R | undefined)[] | null = null
  private head = 0
  private count = 0
  private sys: S[] | null = null
  private sysHead = 0

  constructor(
    readonly capacity: number = DEFAULT_MAILBOX_CAPACITY,
    readonly overflow: OverflowPolicy = 'drop-newest',
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`mailbox capacity must be an integer >= 1, got ${capacity}`)
    }
  }

  /** Messages waiting in the user lane. */
  get size(): number {
    return this.count
  }

  /** Messages waiting in the system lane. */
  get systemSize(): number {
    return this.sys === null ? 0 : this.sys.length - this.sysHead
  }

  /** True when neither lane holds anything. */
  get isEmpty(): boolean {
    return this.count === 0 && this.systemSize === 0
  }

  /** Slots currently allocated for the user lane (0 when idle). */
  get allocated(): number {
    return this.msgs === null ? 0 : this.msgs.length
  }

  /** Appends to the user lane, applying the overflow policy when full. */
  push(msg: M, reply: R | undefined): PushOutcome<M, R> {
    if (this.count >= this.capacity) {
      if (this.overflow !== 'drop-oldest') return false
      const evicted = this.shiftEntry()
      this.append(msg, reply)
      return evicted
    }
    this.append(msg, reply)
    return true
  }

  /** Appends to the system lane (never refused). */
  pushSystem(signal: S): void {
    if (this.sys === null) this.sys = []
    this.sys.push(signal)
  }

  /** The next system-lane entry without taking it, or `undefined`. */
  peekSystem(): S | undefined {
    const sys = this.sys
    return sys === null || this.sysHead >= sys.length ? undefined : sys[this.sysHead]
  }

  /** Takes the next system-lane entry, or `undefined`. */
  shiftSystem(): S | undefined {
    const sys = this.sys
    if (sys === null || this.sysHead >= sys.length) return undefined
    const s = sys[this.sysHead++]!
    if (this.sysHead === sys.length) {
      this.sys = null
      this.sysHead = 0
    }
    return s
  }

  /** Takes the next user message; its reply handle is left in {@link lastReply}. */
  shift(): M | undefined {
    if (this.count === 0) return undefined
    const msgs = this.msgs!
    const i = this.head
    const msg = msgs[i]
    msgs[i] = undefined
    const replies = this.replies
    if (replies !== null) {
      this.lastReply = replies[i]
      replies[i] = undefined
    } else {
      this.lastReply = undefined
    }
    this.head = (i + 1) & (msgs.length - 1)
    this.count--
    if (this.count === 0) this.release()
    return msg
  }

  /** The reply handle of the message last returned by {@link shift}. */
  lastReply: R | undefined = undefined

  /** Empties both lanes, handing each user entry to `onEach` (for dead-lettering). */
  drain(onEach: (msg: M, reply: R | undefined) => void): void {
    while (this.count > 0) {
      const msg = this.shift() as M
      onEach(msg, this.lastReply)
    }
    this.lastReply = undefined
  }

  /** Empties the system lane, returning what it held. */
  drainSystem(): S[] {
    const out: S[] = []
    for (let s = this.shiftSystem(); s !== undefined; s = this.shiftSystem()) out.push(s)
    return out
  }

  private shiftEntry(): { msg: M; reply: R | undefined } {
    const msg = this.shift() as M
    const reply = this.lastReply
    this.lastReply = undefined
    return { msg, reply }
  }

  private append(msg: M, reply: R | undefined): void {
    let msgs = this.msgs
    if (msgs === null) {
      msgs = this.msgs = new Array(INITIAL_SLOTS)
      this.head = 0
    } else if (this.count === msgs.length) {
      msgs = this.grow()
    }
    const i = (this.head + this.count) & (msgs.length - 1)
    msgs[i] = msg
    if (reply !== undefined) {
      if (this.replies === null) this.replies = new Array(msgs.length)
      this.replies[i] = reply
    }
    this.count++
  }

  private grow(): (M | undefined)[] {
    const old = this.msgs!
    const oldReplies = this.replies
    const len = old.length
    const next: (M | undefined)[] = new Array(len * 2)
    const nextReplies: (R | undefined)[] | null = oldReplies === null ? null : new Array(len * 2)
    for (let k = 0; k < this.count; k++) {
      const j = (this.head + k) & (len - 1)
      next[k] = old[j]
      if (nextReplies !== null) nextReplies[k] = oldReplies![j]
    }
    this.msgs = next
    this.replies = nextReplies
    this.head = 0
    return next
  }

  /** Drops a large buffer once the lane is empty, so a burst does not pin memory for good. */
  private release(): void {
    this.head = 0
    if (this.msgs !== null && this.msgs.length > KEEP_SLOTS) {
      this.msgs = null
      this.replies = null
    }
  }
}
