/**
 * An actor system: one root supervisor, the registry of paths, the run queue, the clock, the seeded
 * random, dead letters and the inspection bus. `start(spec)` builds the tree under the root `/`
 * and resolves once every child has been tried; `stop()` stops it in reverse order. When the root
 * itself ends by failure (its intensity exhausted), `onFatal` runs; the default only logs.
 */
import { type ActorCell, type CellEnv, DEFAULT_SHUTDOWN_MS } from './ActorCell.ts'
import type { ActorRef, ActorStatus } from './ActorRef.ts'
import type { ActorOptions, Behavior, ExitReason, Message } from './Behavior.ts'
import { type Clock, realClock } from './Clock.ts'
import { type DeadLetterLogOptions, DeadLetters } from './DeadLetters.ts'
import { Dispatcher } from './Dispatcher.ts'
import { describeError } from './errors.ts'
import { type FaultPlan, Faults } from './faults.ts'
import { InspectionBus, type InspectionEvent, type InspectionObserver } from './inspection.ts'
import { type Logger, silentLogger } from './Logger.ts'
import { SupervisorCell } from './SupervisorCell.ts'
import { type Random, seededRandom } from './seededRandom.ts'
import {
  type ChildSpec,
  type SupervisorMsg,
  type SupervisorSpec,
  startChild,
  supervisor,
} from './supervisor.ts'

/** Options of {@link createActorSystem}; every one has a default. */
export interface ActorSystemOptions {
  /** Default {@link realClock}. */
  readonly clock?: Clock
  /** Seed of the system random (backoff jitter). Default: from `Math.random`. */
  readonly seed?: number
  readonly logger?: Logger
  readonly deadLetters?: DeadLetterLogOptions
  /** Attribute stray async failures to the actor that caused them. Default true. */
  readonly asyncAttribution?: boolean
  /** Messages an actor handles per turn. Default 64. */
  readonly throughput?: number
  /** Called once when the root ends by failure. */
  readonly onFatal?: (error: unknown) => void
  /** Arms fault points (see `faults.ts`); its seed defaults to `seed`. Default: none armed. */
  readonly faults?: FaultPlan
}

/**
 * A running actor system.
 *
 * @category models
 */
export class ActorSystem {
  readonly clock: Clock
  readonly random: Random
  readonly log: Logger
  readonly seed: number
  readonly deadLetters: DeadLetters
  /** The armed fault plan with its counts, or null when no fault point is armed. */
  readonly faults: Faults | null
  private readonly bus = new InspectionBus()
  private readonly registry = new Map<string, ActorCell>()
  private readonly env: CellEnv
  private root: SupervisorCell | null = null
  private readonly onFatal: (error: unknown) => void
  private fatal: ((reason: ExitReason) => void) | null = null
  /** Resolves with the root's exit reason once the root has ended (stopped or failed). */
  readonly terminated: Promise<ExitReason>

  constructor(options: ActorSystemOptions = {}) {
    this.clock = options.clock ?? realClock
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
    this.random = seededRandom(this.seed)
    this.log = options.logger ?? silentLogger
    this.deadLetters = new DeadLetters(this.clock, this.log, options.deadLetters)
    this.faults = options.faults === undefined ? null : new Faults(options.faults, this.seed)
    this.onFatal =
      options.onFatal ?? ((e) => this.log.error({ err: e }, `actor system root gave up: ${describeError(e)}`))
    this.terminated = new Promise((resolve) => {
      this.fatal = resolve
    })
    const registry = this.registry
    this.env = {
      clock: this.clock,
      random: this.random,
      log: this.log,
      dispatcher: new Dispatcher(options.throughput ?? 64),
      deadLetters: this.deadLetters,
      bus: this.bus,
      rootId: '/',
      attribute: options.asyncAttribution ?? true,
      faults: this.faults,
      current: null,
      register(cell) {
        const other = registry.get(cell.path)
        if (other !== undefined && other !== cell)
          throw new Error(`actor path ${cell.path} is already in use`)
        registry.set(cell.path, cell)
      },
      unregister(cell) {
        if (registry.get(cell.path) === cell) registry.delete(cell.path)
        for (const c of cell.children ?? []) this.unregister(c)
      },
      rootExited: (_cell, reason) => {
        if (reason.kind === 'failure') this.onFatal(reason.error)
        this.fatal?.(reason)
      },
    }
  }

  /**
   * Builds the tree under `/` from `spec` and starts it; resolves with the root's ref once every
   * child has been tried (failed ones are then in their restart policy's hands).
   */
  async start(spec: SupervisorSpec): Promise<ActorRef<SupervisorMsg>> {
    if (this.root !== null) throw new Error('actor system already started')
    const root = new SupervisorCell(this.env, null, '', '/', spec)
    this.root = root
    this.env.register(root)
    root.announce()
    await root.start()
    return root.self as unknown as ActorRef<SupervisorMsg>
  }

  /** The root supervisor, starting an empty `one_for_one` root on first use. */
  private async ensureRoot(): Promise<SupervisorCell> {
    if (this.root === null) await this.start(supervisor({ children: [] }))
    return this.root!
  }

  /** Adds a supervised child under the root (see `startChild`). */
  async startChild<M extends Message = Message>(spec: ChildSpec): Promise<ActorRef<M>> {
    const root = await this.ensureRoot()
    return startChild<M>(root.self as unknown as ActorRef<SupervisorMsg>, spec)
  }

  /**
   * Starts a `temporary` actor under the root (never restarted); resolves once its `init` settled.
   *
   * @example
   * const counter = await system.spawn('counter', counterBehavior)
   */
  spawn<S, M extends Message>(
    id: string,
    behavior: Behavior<S, M>,
    options?: ActorOptions & { readonly shutdownMs?: number },
  ): Promise<ActorRef<M>> {
    return this.startChild<M>({
      id,
      start: behavior as Behavior<unknown, M>,
      restart: 'temporary',
      shutdownMs: options?.shutdownMs ?? DEFAULT_SHUTDOWN_MS,
      ...(options === undefined ? {} : { options }),
    })
  }

  /** The ref at `path`, if an actor lives there. */
  lookup<M extends Message = Message>(path: string): ActorRef<M> | undefined {
    return this.registry.get(path)?.self as ActorRef<M> | undefined
  }

  /** Paths of every registered actor. */
  paths(): string[] {
    return [...this.registry.keys()]
  }

  /**
   * Attaches an inspection observer; returns the function that detaches it. Existing actors are
   * announced to the new observer at once. With `messages: false` the observer gets lifecycle,
   * supervision and XState-machine events but not one event per kernel message (cheaper).
   */
  inspect(observer: InspectionObserver, options?: { readonly messages?: boolean }): () => void {
    const off = this.bus.subscribe(observer, options)
    for (const cell of this.registry.values()) {
      observer({ type: '@xstate.actor', rootId: '/', actorRef: cell.self })
    }
    return off
  }

  /**
   * Forwards events from XState actors into this system's bus: pass it as their `inspect` option,
   * so the Stately inspector and the dashboard see machines and kernel actors as one tree.
   */
  readonly xstateInspect = (event: { readonly type: string }): void => {
    if (this.bus.active) this.bus.emit(event as InspectionEvent)
  }

  /** Status of every actor, as a tree from the root. */
  describe(): ActorDescription | null {
    return this.root === null ? null : describeCell(this.root)
  }

  /** Stops the whole tree (children in reverse start order). */
  async stop(): Promise<void> {
    const root = this.root
    if (root === null) return
    await root.shutdown({ kind: 'shutdown' })
    this.fatal?.({ kind: 'shutdown' })
  }
}

/** One node of {@link ActorSystem.describe}. */
export interface ActorDescription {
  readonly path: string
  readonly kind: 'worker' | 'supervisor'
  readonly status: ActorStatus
  readonly restarts: number
  readonly lastError: string | null
  readonly mailbox: number
  readonly children: readonly ActorDescription[]
}

function describeCell(cell: ActorCell): ActorDescription {
  return {
    path: cell.path,
    kind: cell.kind,
    status: cell.status,
    restarts: cell.restarts,
    lastError: cell.lastError === undefined ? null : describeError(cell.lastError),
    mailbox: cell.mailbox.size,
    children: (cell.children ?? []).map(describeCell),
  }
}

/**
 * Creates an actor system.
 *
 * @example
 * const system = createActorSystem({ logger })
 * await system.start(supervisor({ children: [{ id: 'redis', start: redisBehavior }] }))
 * system.lookup('/redis')?.tell({ type: 'ping' })
 *
 * @category constructors
 */
export function createActorSystem(options?: ActorSystemOptions): ActorSystem {
  return new ActorSystem(options)
}
