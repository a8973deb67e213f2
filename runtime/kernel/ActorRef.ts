/**
 * The handle through which everything talks to an actor: `tell` (fire and forget) and `ask`
 * (request with a time-out, default 5000 ms). A ref names a path and stays valid across restarts:
 * the same ref reaches the next incarnation, and messages sent while the actor is restarting wait
 * in its mailbox. Once the actor has ended for good, `tell` dead-letters and `ask` rejects with
 * `ActorStopped`.
 */
import type { Message } from './Behavior.ts'

/** Options of {@link ActorRef.ask}. */
export interface AskOptions {
  /** How long to wait for the reply, ms. Default 5000. */
  readonly timeoutMs?: number
}

/** Default ask time-out, ms. */
export const DEFAULT_ASK_TIMEOUT_MS = 5000

/** @internal What a ref delegates to (the actor cell). */
export interface RefTarget {
  readonly path: string
  readonly id: string
  /** The parent's ref (`undefined` for the root). */
  readonly parentRef: ActorRef | undefined
  deliver(msg: Message, reply: undefined): boolean
  request(msg: Message, timeoutMs: number): Promise<unknown>
  snapshot(): ActorSnapshot
}

/** Lifecycle of an actor as health and inspectors see it. */
export type ActorStatus = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed'

/** A point-in-time view of one actor (XState-snapshot compatible: `status`, `value`, `context`). */
export interface ActorSnapshot {
  /** XState's snapshot status: `active` while the actor may still run, else `stopped`/`error`. */
  readonly status: 'active' | 'stopped' | 'error'
  /** Our lifecycle state. */
  readonly value: ActorStatus
  readonly context: unknown
  readonly restarts: number
  readonly lastError: string | undefined
  readonly mailbox: number
  /** Wall-clock time (ms since the epoch) the current incarnation started running, if it runs. */
  readonly runningSince: number | undefined
}

/**
 * A stable address of an actor.
 *
 * @example
 * ref.tell({ type: 'inc' })
 * const n = await ref.ask({ type: 'get' }, { timeoutMs: 1000 })
 *
 * @category models
 */
export class ActorRef<M extends Message = Message> {
  /** @internal */
  constructor(readonly target: RefTarget) {}

  get path(): string {
    return this.target.path
  }

  /** The last path segment (XState's `actorRef.id`). */
  get id(): string {
    return this.target.id
  }

  /** Unique per actor within a system (XState's `sessionId`); the path. */
  get sessionId(): string {
    return this.target.path
  }

  /** Delivers `msg`; false when it was refused or dropped (it is then a dead letter). */
  tell(msg: M): boolean {
    return this.target.deliver(msg, undefined)
  }

  /**
   * Delivers `msg` and waits for the handler's `ctx.reply`. Rejects with `AskTimeout`,
   * `MailboxFull`, `MessageDropped`, `ActorStopped`, `ActorFailed` (the handler failed) or
   * `NoReply` (the handler returned without replying).
   */
  ask<R = unknown>(msg: M, options?: AskOptions): Promise<R> {
    return this.target.request(msg, options?.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS) as Promise<R>
  }

  getSnapshot(): ActorSnapshot {
    return this.target.snapshot()
  }

  /** The parent (XState's `_parent`, read by inspectors to draw the tree). */
  get _parent(): ActorRef | undefined {
    return this.target.parentRef
  }

  toJSON(): { id: string; path: string } {
    return { id: this.id, path: this.path }
  }
}
