/**
 * Turns a petal definition into a kernel behaviour. Its mailbox receives MQTT commands, HTTP
 * requests, WebSocket connections and events, one at a time and in arrival order. An MQTT or HTTP
 * handler that throws answers with an error (HANDLER_ERROR, or the `HttpError`'s status) and the
 * petal keeps its state; one that runs past its time limit (default 30 s) answers TIMEOUT_ERROR and
 * the petal restarts, since a handler that never returns would hold its mailbox for good. An event
 * handler that throws, a timer that throws, or `ctx.fail` restarts the petal under its budget.
 */
import type { FacadeOwner, ProxyName } from '../../actors/ProxyKind.ts'
import {
  type ActorContext,
  type ActorRef,
  type Behavior,
  describeError,
  HandlerTimeout,
  type Logger,
  type Message,
} from '../kernel/index.ts'
import type { WorkerRunner } from '../workers/workerPool.ts'
import {
  HttpError,
  type HttpMethod,
  type HttpRequest,
  type MqttCommand,
  type MqttResponse,
  type Petal,
  type PetalSocket,
} from './definePetal.ts'
import {
  JobCancelled,
  type JobHandle,
  type JobRun,
  type JobSink,
  type JobStartOptions,
  type JobStatus,
  jobBehavior,
} from './jobs.ts'
import type { PetalContext } from './PetalContext.ts'
import type { ProxyFacades } from './proxyFacades.ts'

/** Default time limit of an MQTT or HTTP handler, ms. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000

/** Messages a petal actor handles. */
export type PetalMsg =
  | {
      readonly type: 'mqtt'
      readonly key: string
      readonly command: MqttCommand
      /** Clock time past which the command is answered TIMEOUT_ERROR without running. */
      readonly startBy?: number
    }
  | { readonly type: 'http'; readonly route: `${HttpMethod} /${string}`; readonly request: HttpRequest }
  | { readonly type: 'ws'; readonly path: `/${string}`; readonly socket: PetalSocket }
  | { readonly type: 'event'; readonly name: string; readonly payload: unknown }
  /** A proxy callback (a subscription, a registered handler) run in this petal's mailbox. */
  | { readonly type: 'run'; readonly fn: () => unknown }

/** The answer to an `http` message. */
export interface HttpReply {
  readonly status: number
  readonly body: unknown
}

/** What the host gives every petal. */
export interface PetalServices {
  readonly log: Logger
  /** The facade of an enabled proxy (as `owner` sees it, when given); undefined when not enabled. */
  facade(name: ProxyName, owner?: FacadeOwner): unknown
  /** Feeds an `on` entry; undefined when no enabled proxy serves `prefix`. */
  subscribe(prefix: string, topic: string, deliver: (payload: unknown) => void): (() => void) | undefined
  readonly jobSink: JobSink
  readonly settings: Readonly<Record<string, unknown>>
  /** Runs a `cpuHeavy` handler's worker (absent: such handlers answer HANDLER_ERROR). */
  readonly runWorker?: WorkerRunner
}

interface PetalState {
  user: unknown
  readonly pctx: PetalIncarnation
}

/** @internal The behaviour of a petal. */
export function petalBehavior(petal: Petal, services: PetalServices): Behavior<PetalState, PetalMsg> {
  const log = services.log
  return {
    init: async (ctx) => {
      const pctx = new PetalIncarnation(petal, services, ctx as unknown as ActorContext<Message>, log)
      for (const name of Object.keys(petal.on ?? {})) {
        const colon = name.indexOf(':')
        const unsubscribe = services.subscribe(name.slice(0, colon), name.slice(colon + 1), (payload) =>
          ctx.self.tell({ type: 'event', name, payload }),
        )
        // The loader checked that the source belongs to a declared proxy; undefined here means an
        // optional proxy that is not enabled, so this entry simply receives nothing.
        if (unsubscribe === undefined) continue
        ctx.onCleanup(unsubscribe)
      }
      const user = petal.init === undefined ? undefined : await petal.init(pctx as never)
      return { user, pctx }
    },
    receive: (s, msg, ctx) => {
      switch (msg.type) {
        case 'mqtt':
          if (msg.startBy !== undefined && ctx.clock.now() > msg.startBy) {
            ctx.reply({
              status: 'error',
              message: `Command expired before it started: it waited past its time limit behind earlier commands to ${petal.name}`,
              error_code: 'TIMEOUT_ERROR',
            })
            return s
          }
          return handleMqtt(petal, s, msg.key, msg.command, ctx, services)
        case 'http':
          return handleHttp(petal, s, msg.route, msg.request, ctx)
        case 'ws': {
          const handler = petal.ws?.[msg.path]
          if (handler === undefined) {
            msg.socket.close(1008, `no WebSocket route ${msg.path}`)
            return s
          }
          return settleState(s, handler(msg.socket, s.user, s.pctx as never))
        }
        case 'event': {
          const handler = petal.on?.[msg.name]
          if (handler === undefined) return s
          const next = handler(msg.payload, s.user, s.pctx as never)
          if (next instanceof Promise) {
            return next.then((user) => {
              s.user = user
              return s
            })
          }
          s.user = next
          return s
        }
        case 'run':
          return settleState(s, msg.fn())
      }
    },
    stop: async (s) => {
      if (petal.stop !== undefined) await petal.stop(s.user, s.pctx as never)
    },
    options: {
      ...(petal.mailbox?.capacity === undefined ? {} : { mailboxCapacity: petal.mailbox.capacity }),
      ...(petal.mailbox?.overflow === undefined ? {} : { overflow: petal.mailbox.overflow }),
    },
  }
}

function settleState(s: PetalState, result: unknown): PetalState | Promise<PetalState> {
  const apply = (): PetalState => {
    s.pctx.commit(s)
    return s
  }
  return result instanceof Promise ? result.then(apply) : apply()
}

function handleMqtt(
  petal: Petal,
  s: PetalState,
  key: string,
  command: MqttCommand,
  ctx: ActorContext<PetalMsg>,
  services: PetalServices,
): PetalState | Promise<PetalState> {
  const entry = petal.mqtt?.[key]
  const spec = (typeof entry === 'function' ? { handler: entry } : entry) as MqttSpec | undefined
  if (spec === undefined || (spec.handler === undefined && !spec.cpuHeavy)) {
    ctx.reply(unknownCommand(petal, command.command))
    return s
  }
  const limit = spec.timeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS
  // A cpuHeavy handler runs in the worker pool; its thread is ended when the time limit passes.
  const abort = new AbortController()
  const run = spec.cpuHeavy
    ? () => {
        if (services.runWorker === undefined) throw new Error('no worker pool in this host')
        return services.runWorker(
          spec.worker!,
          { command, settings: services.settings, petal: petal.name },
          abort.signal,
        )
      }
    : () => spec.handler!(command, s.user, s.pctx as never)
  return withLimit(s, ctx, limit, `mqtt handler '${key}'`, run, {
    value: (v) => v ?? { status: 'success' },
    error: (e) => ({
      status: 'error',
      message: `Handler error: ${describeError(e)}`,
      error_code: 'HANDLER_ERROR',
    }),
    timeout: () => {
      abort.abort(new Error(`time limit ${limit} ms`))
      return {
        status: 'error',
        message: `Handler did not answer within ${limit} ms`,
        error_code: 'TIMEOUT_ERROR',
      }
    },
  })
}

function handleHttp(
  petal: Petal,
  s: PetalState,
  route: `${HttpMethod} /${string}`,
  request: HttpRequest,
  ctx: ActorContext<PetalMsg>,
): PetalState | Promise<PetalState> {
  const entry = petal.http?.[route]
  const handler = typeof entry === 'function' ? entry : entry?.handler
  if (handler === undefined) {
    ctx.reply({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: `no route ${route} in ${petal.name}` } },
    })
    return s
  }
  const limit = (typeof entry === 'object' ? entry.timeoutMs : undefined) ?? DEFAULT_HANDLER_TIMEOUT_MS
  return withLimit(
    s,
    ctx,
    limit,
    `http handler '${route}'`,
    () => handler(request, s.user, s.pctx as never),
    {
      value: (v): HttpReply => ({ status: 200, body: v ?? null }),
      error: (e): HttpReply =>
        e instanceof HttpError
          ? { status: e.status, body: { error: { code: e.code, message: e.message } } }
          : { status: 500, body: { error: { code: 'HANDLER_ERROR', message: describeError(e) } } },
      timeout: (): HttpReply => ({
        status: 504,
        body: { error: { code: 'TIMEOUT_ERROR', message: `handler did not answer within ${limit} ms` } },
      }),
    },
  )
}

type MqttSpec = {
  readonly handler?: (c: MqttCommand, s: unknown, ctx: never) => unknown
  readonly timeoutMs?: number
  readonly cpuHeavy?: boolean
  readonly worker?: string
}

/** How a handler's outcome becomes the reply. */
interface Answers {
  value(v: unknown): unknown
  error(e: unknown): unknown
  timeout(): unknown
}

/** Runs a handler under its time limit; a sync handler costs no promise. */
function withLimit(
  s: PetalState,
  ctx: ActorContext<PetalMsg>,
  limitMs: number,
  what: string,
  run: () => unknown,
  answers: Answers,
): PetalState | Promise<PetalState> {
  let result: unknown
  try {
    result = run()
  } catch (e) {
    s.pctx.discard()
    ctx.reply(answers.error(e))
    return s
  }
  if (!(result instanceof Promise)) {
    s.pctx.commit(s)
    ctx.reply(answers.value(result))
    return s
  }
  const reply = ctx.deferReply()
  return new Promise<PetalState>((resolve, reject) => {
    const cancel = ctx.setTimeout(() => {
      reply?.resolve(answers.timeout())
      reject(new HandlerTimeout(ctx.path, what, limitMs))
    }, limitMs)
    result.then(
      (v: unknown) => {
        cancel()
        s.pctx.commit(s)
        reply?.resolve(answers.value(v))
        resolve(s)
      },
      (e: unknown) => {
        cancel()
        s.pctx.discard()
        reply?.resolve(answers.error(e))
        resolve(s)
      },
    )
  })
}

function unknownCommand(petal: Petal, command: string): MqttResponse {
  return {
    status: 'error',
    message: `Unknown command: ${command}`,
    error_code: 'UNKNOWN_COMMAND',
    available_commands: Object.keys(petal.mqtt ?? {}).map((k) => `${petal.name}/${k}`),
  }
}

const MAX_FINISHED_JOBS = 100

/** @internal The petal context of one incarnation. */
export class PetalIncarnation implements PetalContext<unknown> {
  private next: { value: unknown } | undefined = undefined
  private readonly jobTable: JobStatus[] = []
  private jobSeq = 0
  private readonly owned = new Map<ProxyName, unknown>()
  private ownerView: FacadeOwner | undefined = undefined

  constructor(
    private readonly petal: Petal,
    private readonly services: PetalServices,
    readonly actor: ActorContext<Message>,
    readonly log: Logger,
  ) {}

  get name(): string {
    return this.petal.name
  }
  get version(): string {
    return this.petal.version
  }
  get settings(): Readonly<Record<string, unknown>> {
    return this.services.settings
  }
  get restarts(): number {
    return this.actor.restarts
  }
  get self(): ActorRef<never> {
    return this.actor.self as unknown as ActorRef<never>
  }

  proxy<K extends ProxyName>(name: K): ProxyFacades[K] {
    if (!(this.petal.requires ?? []).includes(name)) {
      throw new Error(`${this.petal.name} asked for proxy '${name}' without declaring it in 'requires'`)
    }
    const facade = this.ownFacade(name)
    if (facade === undefined) throw new Error(`${this.petal.name}: required proxy '${name}' is not enabled`)
    return facade as ProxyFacades[K]
  }

  /** The facade as this incarnation sees it: callbacks run in its mailbox, released at its end. */
  private ownFacade(name: ProxyName): unknown {
    if (this.owned.has(name)) return this.owned.get(name)
    this.ownerView ??= {
      name: this.petal.name,
      run: (fn) => {
        this.actor.self.tell({ type: 'run', fn } as never)
      },
      onCleanup: (close) => this.actor.onCleanup(close),
    }
    const facade = this.services.facade(name, this.ownerView)
    if (facade !== undefined) this.owned.set(name, facade)
    return facade
  }

  optionalProxy<K extends ProxyName>(name: K): ProxyFacades[K] | undefined {
    if (!(this.petal.optional ?? []).includes(name) && !(this.petal.requires ?? []).includes(name)) {
      throw new Error(`${this.petal.name} asked for proxy '${name}' without declaring it in 'optional'`)
    }
    return this.ownFacade(name) as ProxyFacades[K] | undefined
  }

  setState(next: unknown): void {
    this.next = { value: next }
  }

  /** Applies a pending `setState`. */
  commit(s: PetalState): void {
    if (this.next !== undefined) s.user = this.next.value
    this.next = undefined
  }

  /** Drops a pending `setState` (the handler failed). */
  discard(): void {
    this.next = undefined
  }

  setTimeout(fn: () => unknown, ms: number): () => void {
    return this.actor.setTimeout(fn, ms)
  }
  setInterval(fn: () => unknown, ms: number): () => void {
    return this.actor.setInterval(fn, ms)
  }
  guard<A extends unknown[]>(fn: (...args: A) => unknown): (...args: A) => void {
    return this.actor.guard(fn)
  }
  onCleanup(close: (forced: boolean) => unknown): void {
    this.actor.onCleanup(close)
  }
  fail(error: unknown): void {
    this.actor.fail(error)
  }

  job<T>(name: string, run: JobRun<T>, options: JobStartOptions = {}): JobHandle<T> {
    const id = options.id ?? `${name}-${++this.jobSeq}`
    if (this.jobTable.some((j) => j.id === id && j.state === 'running')) {
      throw new Error(`${this.petal.name}: a job with id '${id}' is already running`)
    }
    const status: JobStatus = {
      id,
      name,
      petal: this.petal.name,
      state: 'running',
      progress: undefined,
      error: undefined,
      startedAt: Date.now(),
      endedAt: undefined,
    }
    this.jobTable.push(status)
    const finished = this.jobTable.filter((j) => j.state !== 'running')
    if (finished.length > MAX_FINISHED_JOBS) this.jobTable.splice(this.jobTable.indexOf(finished[0]!), 1)
    let settle!: { resolve(v: T): void; reject(e: unknown): void }
    const result = new Promise<T>((resolve, reject) => {
      settle = { resolve, reject }
    })
    result.catch(() => {})
    const ref = this.actor.spawn(
      `job-${id}`,
      jobBehavior(status, run, settle, this.services.jobSink, this.log, options.timeoutMs),
    )
    return {
      id,
      result,
      cancel: (reason = 'cancelled') => {
        if (!ref.tell({ type: 'cancel', reason }) && status.state === 'running')
          settle.reject(new JobCancelled(id, reason))
      },
      status: () => status,
    }
  }

  jobs(): readonly JobStatus[] {
    return this.jobTable
  }
}
