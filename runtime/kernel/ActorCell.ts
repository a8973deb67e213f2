/**
 * The runtime body of one actor: its mailbox, state, lifecycle and context. A cell lives as long as
 * the slot its parent gave it; an incarnation (one run of `init` to its end) lives inside it, and
 * what is registered through the context (timers, guarded callbacks, cleanups, spawned children)
 * belongs to the incarnation and ends with it. A failure (throw, rejection, time limit, `ctx.fail`)
 * ends the incarnation and is reported to the parent, which restarts or finalizes the cell.
 * Stopping waits for the message in hand, stops children in reverse start order, calls `stop`, runs
 * cleanups, all within `shutdownMs` (default 5000); past it the actor is abandoned and its
 * resources force-closed. An actor with nothing to clean up ends synchronously.
 */
import { ActorRef, type ActorSnapshot, type ActorStatus, type RefTarget } from './ActorRef.ts'
import { actorScope } from './asyncAttribution.ts'
import type { ActorContext, ActorOptions, Behavior, ExitReason, Message, Reply } from './Behavior.ts'
import type { Clock } from './Clock.ts'
import type { DeadLetters } from './DeadLetters.ts'
import type { Dispatcher } from './Dispatcher.ts'
import { unwatch, watch } from './deathWatch.ts'
import { deliver, request } from './delivery.ts'
import { ActorFailed, ActorStopped, describeError, FaultInjected } from './errors.ts'
import type { Faults } from './faults.ts'
import type { InspectionBus, InspectionEvent, SupervisionKind } from './inspection.ts'
import type { Logger } from './Logger.ts'
import { DEFAULT_MAILBOX_CAPACITY, Mailbox } from './Mailbox.ts'
import { type Cleanup, isThenable, OwnedResources } from './OwnedResources.ts'
import type { PendingReply } from './PendingReply.ts'
import { awaitInit, exclusive, resume, runCell } from './processing.ts'
import type { Random } from './seededRandom.ts'
import { endIncarnation, finalize, shutdown, stopIncarnation } from './termination.ts'

/** Default time a worker gets to stop, ms. */
export const DEFAULT_SHUTDOWN_MS = 5000

/** @internal Services a cell gets from its system. */
export interface CellEnv {
  readonly clock: Clock
  readonly random: Random
  readonly log: Logger
  readonly dispatcher: Dispatcher
  readonly deadLetters: DeadLetters
  readonly bus: InspectionBus
  readonly rootId: string
  readonly attribute: boolean
  readonly faults: Faults | null // null unless fault points are armed
  /** The cell whose code runs now (for inspection's `sourceRef`). */
  current: ActorCell | null
  register(cell: ActorCell): void
  unregister(cell: ActorCell): void
  /** Called when a cell without parent (the root) exits. */
  rootExited(cell: ActorCell, reason: ExitReason): void
}

/** @internal Signals on the system lane, handled before any user message. */
export type Signal =
  | {
      readonly kind: 'child-exit'
      readonly child: ActorCell
      readonly reason: ExitReason
      readonly epoch: number
    }
  | { readonly kind: 'call'; readonly epoch: number; readonly run: () => unknown }
  | { readonly kind: 'deliver'; readonly msg: Message }

type AnyBehavior = Behavior<unknown, Message>

const NORMAL: ExitReason = { kind: 'normal' }
const SHUTDOWN: ExitReason = { kind: 'shutdown' }

/**
 * One actor.
 *
 * @category internals
 */
export class ActorCell implements RefTarget, ActorContext<Message> {
  readonly self: ActorRef<Message>
  readonly mailbox: Mailbox<Message, PendingReply, Signal>
  status: ActorStatus = 'starting'
  restarts = 0
  lastError: unknown = undefined
  /** Wall-clock start of the current incarnation (informational: health's `load_time`). */
  runningSince = 0
  scheduled = false
  /** Children in start order: spawned ones, or a supervisor's slots. */
  children: ActorCell[] | null = null
  readonly shutdownMs: number
  // Internal to the kernel (processing.ts, termination.ts, deathWatch.ts read and write these):
  /** @internal An init, async receive, or exclusive job is in flight: the mailbox is held. */
  busy = false
  /** @internal Bumped at every start and end; callbacks from another epoch are ignored. */
  epoch = 0
  /** @internal */
  state: unknown = undefined
  /** @internal `init` completed for this incarnation (so `stop` is due at its end). */
  live = false
  /** @internal The init or receive promise in flight. */
  inflight: Promise<unknown> | null = null
  /** @internal The reply of the ask being handled, and whether it was deferred. */
  current: PendingReply | undefined = undefined
  deferred = false
  /** @internal */
  watchers: ActorCell[] | null = null
  /** @internal Timers and cleanups of this incarnation. */
  owned: OwnedResources | null = null
  /** @internal Promises of an end (failure or stop) and of a final stop in progress. */
  ending: Promise<void> | null = null
  stopping: Promise<void> | null = null
  private inspectFn: ((event: { readonly type: string }) => void) | null = null
  /** @internal Resolves the pending `start()` of an async `init`. */
  startDone: ((ok: boolean) => void) | null = null
  private spawnSeq = 0
  /** @internal */
  readonly receiveTimeoutMs: number
  /** @internal */
  readonly initTimeoutMs: number

  constructor(
    readonly env: CellEnv,
    readonly parent: ActorCell | null,
    readonly id: string,
    readonly path: string,
    /** @internal */
    readonly behavior: AnyBehavior,
    options: ActorOptions & { readonly shutdownMs?: number } = {},
  ) {
    const o = behavior.options === undefined ? options : { ...behavior.options, ...options }
    this.mailbox = new Mailbox(o.mailboxCapacity ?? DEFAULT_MAILBOX_CAPACITY, o.overflow ?? 'drop-newest')
    this.shutdownMs = options.shutdownMs ?? DEFAULT_SHUTDOWN_MS
    this.receiveTimeoutMs = o.receiveTimeoutMs ?? 0
    this.initTimeoutMs = o.initTimeoutMs ?? 0
    this.self = new ActorRef(this)
  }

  // ---- ActorContext -------------------------------------------------------------------------

  get log(): Logger {
    return this.env.log
  }

  get clock(): Clock {
    return this.env.clock
  }

  /** Made on first use, so an actor that never starts a machine pays nothing for it. */
  get inspect(): (event: { readonly type: string }) => void {
    if (this.inspectFn === null) {
      const bus = this.env.bus
      this.inspectFn = (event) => {
        if (bus.active) bus.emit(event as InspectionEvent)
      }
    }
    return this.inspectFn
  }

  reply(value: unknown): void {
    this.current?.resolve(value)
  }

  replyError(error: unknown): void {
    this.current?.reject(error)
  }

  deferReply(): Reply | undefined {
    this.deferred = true
    return this.current
  }

  replyWith(promise: PromiseLike<unknown>): void {
    const r = this.deferReply()
    promise.then(
      (v) => r?.resolve(v),
      (e: unknown) => r?.reject(e),
    )
  }

  setTimeout(fn: () => unknown, ms: number): () => void {
    return this.resources().addTimer(this.guard(fn), ms, this.env.faults?.lateTimers(this.path))
  }

  setInterval(fn: () => unknown, ms: number): () => void {
    return this.resources().addInterval(this.guard(fn), ms, this.env.faults?.lateTimers(this.path))
  }

  guard<A extends unknown[]>(fn: (...args: A) => unknown): (...args: A) => void {
    const epoch = this.epoch
    return (...args: A) => {
      if (epoch !== this.epoch) return
      try {
        const r = this.env.attribute ? actorScope.run(this, fn, ...args) : fn(...args)
        if (isThenable(r)) r.then(undefined, (e: unknown) => this.failIn(epoch, e))
      } catch (e) {
        this.failIn(epoch, e)
      }
    }
  }

  track(promise: PromiseLike<unknown>): void {
    const epoch = this.epoch
    promise.then(undefined, (e: unknown) => this.failIn(epoch, e))
  }

  onCleanup(close: Cleanup): void {
    this.resources().addCleanup(close)
  }

  spawn<N extends Message>(id: string, behavior: Behavior<unknown, N>, options?: ActorOptions): ActorRef<N> {
    const childId = id === '' ? `$${++this.spawnSeq}` : id
    const child = new ActorCell(
      this.env,
      this,
      childId,
      childPath(this.path, childId),
      behavior as unknown as AnyBehavior,
      options,
    )
    this.env.register(child)
    if (this.children === null) this.children = [child]
    else this.children.push(child)
    child.announce()
    child.start()
    return child.self as unknown as ActorRef<N>
  }

  stopChild(ref: ActorRef<never>): Promise<void> {
    const child = this.children?.find((c) => c.self === (ref as unknown))
    if (child === undefined) return Promise.resolve()
    return child.shutdown(SHUTDOWN).then(() => this.removeChild(child))
  }

  watch(ref: ActorRef<never>): void {
    watch(this, ref.target as ActorCell)
  }

  unwatch(ref: ActorRef<never>): void {
    unwatch(this, ref.target as ActorCell)
  }

  fail(error: unknown): void {
    this.failIn(this.epoch, error)
  }

  stopSelf(): void {
    this.exit(NORMAL)
  }

  get parentRef(): ActorRef | undefined {
    return this.parent?.self
  }

  // ---- RefTarget and processing (see delivery.ts and processing.ts) ---------------------------

  deliver(msg: Message, reply: PendingReply | undefined): boolean {
    return deliver(this, msg, reply)
  }

  request(msg: Message, timeoutMs: number): Promise<unknown> {
    return request(this, msg, timeoutMs)
  }

  snapshot(): ActorSnapshot {
    return {
      status: this.status === 'failed' ? 'error' : this.status === 'stopped' ? 'stopped' : 'active',
      value: this.status,
      context: this.state,
      restarts: this.restarts,
      lastError: this.lastError === undefined ? undefined : describeError(this.lastError),
      mailbox: this.mailbox.size,
      runningSince: this.status === 'running' ? this.runningSince : undefined,
    }
  }

  /** Handles system signals, then up to `budget` user messages. */
  run(budget: number): number {
    return runCell(this, budget)
  }

  /** @internal Queues this cell if it has work it can do now. */
  resume(): void {
    resume(this)
  }

  /** @internal Posts a system-lane signal. */
  signal(sig: Signal): void {
    this.mailbox.pushSystem(sig)
    resume(this)
  }

  /** @internal Runs internal work holding the mailbox; async work keeps it held until it settles. */
  exclusive(work: () => unknown): void {
    exclusive(this, work)
  }

  // ---- Lifecycle ----------------------------------------------------------------------------

  /** True once stopped or failed for good (until an ancestor supervisor revives it). */
  get isFinal(): boolean {
    return this.status === 'stopped' || this.status === 'failed'
  }

  /** True once `init` has been run at least once. */
  get hasStarted(): boolean {
    return this.epoch > 0
  }

  /** @internal True when this cell's exit report for `epoch` is still current. */
  isExitOf(epoch: number): boolean {
    return this.epoch === epoch && this.status === 'restarting'
  }

  /** @internal Emits `@xstate.actor` for a new cell. */
  announce(): void {
    if (this.env.bus.active)
      this.env.bus.emit({ type: '@xstate.actor', rootId: this.env.rootId, actorRef: this.self })
  }

  /**
   * Runs `init`. Returns true (or a promise of it) when the actor runs; on failure the actor has
   * been failed and its parent told.
   */
  start(): boolean | Promise<boolean> {
    this.epoch++
    this.status = 'starting'
    this.busy = true
    const env = this.env
    env.current = this
    let s: unknown
    try {
      if (env.faults !== null && this.kind === 'worker' && env.faults.fires('actor.init.fail', this.path))
        throw new FaultInjected('actor.init.fail', this.path)
      s = env.attribute ? actorScope.run(this, callInit, this) : callInit(this)
    } catch (e) {
      env.current = null
      this.busy = false
      this.fail(e)
      return false
    }
    env.current = null
    if (!isThenable(s)) {
      this.started(s)
      return true
    }
    return awaitInit(this, s)
  }

  /**
   * @internal Ends the current epoch: callbacks of the incarnation become inert, and a start still
   * waiting for its `init` resolves false.
   */
  newEpoch(): void {
    this.epoch++
    const done = this.startDone
    if (done !== null) {
      this.startDone = null
      done(false)
    }
  }

  /** @internal `init` has produced the first state: the actor runs. */
  started(state: unknown): void {
    this.runningSince = Date.now()
    this.state = state
    this.live = true
    this.status = 'running'
    this.busy = false
    this.emitSupervision('started')
    this.resume()
  }

  /** Starts the next incarnation (called by the parent after an end). */
  restart(): boolean | Promise<boolean> {
    if (this.isFinal) this.env.register(this)
    this.restarts++
    return this.start()
  }

  /** @internal Fails the incarnation `epoch`, if it is still the current one. */
  failIn(epoch: number, error: unknown): void {
    if (epoch === this.epoch) this.exit({ kind: 'failure', error })
  }

  /** @internal Fails the current incarnation from outside (process guards). */
  failFromOutside(error: unknown): boolean {
    if (this.status !== 'running' && this.status !== 'starting') return false
    this.fail(error)
    return true
  }

  /**
   * Ends the current incarnation on its own account (failure or `stopSelf`) and reports the exit
   * to the parent, which decides what comes next.
   */
  protected exit(reason: ExitReason): void {
    if (this.status !== 'running' && this.status !== 'starting') return
    this.newEpoch()
    this.busy = false
    this.inflight = null
    this.status = 'restarting'
    const r = this.current
    this.current = undefined
    if (reason.kind === 'failure') {
      this.lastError = reason.error
      r?.reject(new ActorFailed(this.path, reason.error))
      this.env.log.error(
        { err: reason.error, path: this.path },
        `actor ${this.path} failed: ${describeError(reason.error)}`,
      )
      this.emitSupervision('failed', describeError(reason.error))
    } else {
      r?.reject(new ActorStopped(this.path))
    }
    const epoch = this.epoch
    const ended = endIncarnation(this, reason, this.shutdownMs)
    if (ended === undefined) this.reportExit(reason, epoch)
    else {
      this.ending = ended.then(() => {
        this.ending = null
        this.reportExit(reason, epoch)
      })
    }
  }

  private reportExit(reason: ExitReason, epoch: number): void {
    if (this.parent === null) this.env.rootExited(this, reason)
    else this.parent.signal({ kind: 'child-exit', child: this, reason, epoch })
  }

  /** @internal Parent reaction to a child's exit; a worker never restarts its spawned children. */
  onChildExit(child: ActorCell, reason: ExitReason, epoch: number): void {
    if (!child.isExitOf(epoch)) return
    child.finalize(reason)
    this.removeChild(child)
  }

  /** @internal */
  removeChild(child: ActorCell): void {
    if (this.children === null) return
    const i = this.children.indexOf(child)
    if (i >= 0) this.children.splice(i, 1)
    this.env.unregister(child)
  }

  /**
   * Stops this actor for good: waits for the message in hand, ends the incarnation within
   * `budgetMs`, then finalizes (dead-letters the mailbox, tells watchers).
   */
  shutdown(reason: ExitReason = SHUTDOWN, budgetMs = this.shutdownMs): Promise<void> {
    return shutdown(this, reason, budgetMs)
  }

  /** @internal Ends the incarnation as a stop, without finalizing; the parent will restart it. */
  stopIncarnation(reason: ExitReason = SHUTDOWN, budgetMs = this.shutdownMs): Promise<void> {
    return stopIncarnation(this, reason, budgetMs)
  }

  /** @internal Makes the end final: mailbox dead-lettered, watchers told, status stopped/failed. */
  finalize(reason: ExitReason, status: 'stopped' | 'failed' = 'stopped'): void {
    finalize(this, reason, status)
  }

  /** @internal How a child is stopped when this incarnation ends: a spawned child for good. */
  async stopChildOnEnd(child: ActorCell): Promise<void> {
    await child.shutdown(SHUTDOWN)
    this.removeChild(child)
  }

  /** @internal */
  resources(): OwnedResources {
    if (this.owned === null) this.owned = new OwnedResources(this.env.clock)
    return this.owned
  }

  /** @internal Emits a supervision event about this cell (when someone inspects). */
  emitSupervision(kind: SupervisionKind, reason?: string, delayMs?: number): void {
    if (!this.env.bus.active) return
    this.env.bus.emit({
      type: '@petal.supervision',
      kind,
      rootId: this.env.rootId,
      actorRef: this.self,
      path: this.path,
      restarts: this.restarts,
      ...(reason === undefined ? {} : { reason }),
      ...(delayMs === undefined ? {} : { delayMs }),
    })
  }

  get kind(): 'worker' | 'supervisor' {
    return 'worker'
  }
}

function callInit(cell: ActorCell): unknown {
  return cell.behavior.init(cell)
}

/** The path of child `id` under `parent`. */
export function childPath(parent: string, id: string): string {
  return parent === '/' ? `/${id}` : `${parent}/${id}`
}
