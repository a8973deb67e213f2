/**
 * What an actor is: `init(ctx) -> state`, `receive(state, msg, ctx) -> state`, optional `stop`.
 * Messages are handled one at a time; a `receive` that returns a promise holds the mailbox until
 * it settles, so the state is never raced. A sync `receive` never touches a promise. A throw or a
 * rejection in any of the three is a failure of the actor, handled by its supervisor.
 */
import type { ActorRef } from './ActorRef.ts'
import type { Clock } from './Clock.ts'
import type { Logger } from './Logger.ts'
import type { OverflowPolicy } from './Mailbox.ts'

/** Every message is an object with a `type` (as XState events are). */
export interface Message {
  readonly type: string
}

/**
 * Why an actor ended:
 * - `normal`: it stopped itself (`ctx.stopSelf()`); a `transient` child is not restarted;
 * - `shutdown`: its parent or the system stopped it;
 * - `failure`: it threw, rejected, ran past a time limit, or called `ctx.fail`;
 * - `abandoned`: it did not finish stopping within its `shutdownMs`; its resources were force-closed.
 */
export type ExitReason =
  | { readonly kind: 'normal' }
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'failure'; readonly error: unknown }
  | { readonly kind: 'abandoned' }

/** Delivered (ahead of user messages) to an actor that watches `ref`, once `ref` has ended for good. */
export interface Terminated {
  readonly type: 'terminated'
  readonly ref: ActorRef<never>
  readonly reason: ExitReason
}

/** Where an `ask` waits for its answer; `deferReply()` hands it out to answer later. */
export interface Reply<R = unknown> {
  resolve(value: R): void
  reject(error: unknown): void
  /** True once resolved or rejected. */
  readonly settled: boolean
}

/** Per-actor options; each has a default. */
export interface ActorOptions {
  /** User-lane capacity. Default 1024. */
  readonly mailboxCapacity?: number
  /** Overflow policy. Default `drop-newest`. */
  readonly overflow?: OverflowPolicy
  /** Time limit of an async `receive`, ms; past it the actor fails with `HandlerTimeout`. Default none. */
  readonly receiveTimeoutMs?: number
  /** Time limit of an async `init`, ms. Default none. */
  readonly initTimeoutMs?: number
}

/**
 * The actor's view of the system while it runs. Timers and callbacks registered here are owned by
 * the current incarnation: a throw or rejection in them fails the actor, and they are cancelled
 * when it stops or restarts.
 */
export interface ActorContext<M extends Message = Message> {
  /** This actor; stays valid across restarts. */
  readonly self: ActorRef<M>
  readonly path: string
  readonly log: Logger
  readonly clock: Clock
  /** Restarts so far (0 for the first incarnation). */
  readonly restarts: number
  /**
   * Forwards an XState actor's inspection events into this system's inspection bus: start machines
   * with `createActor(machine, { inspect: ctx.inspect, clock: ctx.clock })` and the dashboard and
   * the Stately inspector see them in the same tree. Costs one check when nobody inspects.
   */
  readonly inspect: (event: { readonly type: string }) => void

  /** Answers the `ask` being handled; ignored for a `tell`. */
  reply(value: unknown): void
  /** Fails the `ask` being handled with `error` (the actor itself does not fail). */
  replyError(error: unknown): void
  /** Takes over the current `ask`'s reply, to answer after `receive` returns; `undefined` for a tell. */
  deferReply(): Reply | undefined
  /** Answers the current `ask` with how `promise` settles, without failing the actor if it rejects. */
  replyWith(promise: PromiseLike<unknown>): void

  /** A timer owned by this incarnation. Returns its cancel function. */
  setTimeout(fn: () => unknown, ms: number): () => void
  /** A repeating timer owned by this incarnation. Returns its cancel function. */
  setInterval(fn: () => unknown, ms: number): () => void
  /** Wraps a callback for an outside API: a throw or rejected promise inside fails this actor. */
  guard<A extends unknown[]>(fn: (...args: A) => unknown): (...args: A) => void
  /** A promise whose rejection fails this actor. */
  track(promise: PromiseLike<unknown>): void
  /** Registers a resource closer; runs (in reverse order) when this incarnation ends. */
  onCleanup(close: (forced: boolean) => unknown): void

  /** Starts a linked child (stopped with this actor, never restarted; watch it to hear of its end). */
  spawn<N extends Message>(id: string, behavior: Behavior<unknown, N>, options?: ActorOptions): ActorRef<N>
  /** Stops a child spawned by this actor; resolves when it has stopped. */
  stopChild(ref: ActorRef<never>): Promise<void>
  /** Delivers a `terminated` message when `ref` ends for good (stopped or given up). */
  watch(ref: ActorRef<never>): void
  unwatch(ref: ActorRef<never>): void

  /** Fails this actor now (as a throw would). */
  fail(error: unknown): void
  /** Stops this actor with reason `normal`. */
  stopSelf(): void
}

/**
 * An actor's behaviour.
 *
 * @example
 * const counter: Behavior<number, { type: 'inc' } | { type: 'get' }> = {
 *   init: () => 0,
 *   receive: (n, msg, ctx) => {
 *     if (msg.type === 'get') ctx.reply(n)
 *     return msg.type === 'inc' ? n + 1 : n
 *   },
 * }
 *
 * @category models
 */
export interface Behavior<S, M extends Message> {
  init(ctx: ActorContext<M>): S | PromiseLike<S>
  receive(state: S, msg: M, ctx: ActorContext<M>): S | PromiseLike<S>
  /** Called when the actor ends (stop, failure or restart), after its children stopped. */
  stop?(state: S, ctx: ActorContext<M>, reason: ExitReason): unknown
  /** Options baked into the behaviour; spawn options override them. */
  readonly options?: ActorOptions
}
