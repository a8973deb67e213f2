/**
 * The context one petal incarnation hands its handlers (`ctx`): its declared proxies (as this
 * incarnation sees them: callbacks run in its mailbox), `setState`, failure-captured timers, jobs
 * (child actors; the last 100 finished ones are listed), `publish` (the original's phase-2 message
 * on `command/web`, sent when MQTT runs) and `operation` (the two-phase pattern: answer at once,
 * run as a job, publish the result; one at a time per name; `cancelOperation` its cancel command).
 */
import type { FacadeOwner, ProxyName } from '../../actors/ProxyKind.ts'
import type { ActorContext, ActorRef, Logger, Message } from '../kernel/index.ts'
import { describeError } from '../kernel/index.ts'
import type { MqttCommand, MqttResponse, Petal } from './definePetal.ts'
import {
  JobCancelled,
  type JobHandle,
  type JobRun,
  type JobStartOptions,
  type JobStatus,
  jobBehavior,
} from './jobs.ts'
import type { PetalContext } from './PetalContext.ts'
import type { PetalServices } from './petalActor.ts'
import type { ProxyFacades } from './proxyFacades.ts'

/** The state a petal actor keeps: the petal's own state, and its context. */
export interface PetalState {
  user: unknown
  readonly pctx: PetalIncarnation
}

const MAX_FINISHED_JOBS = 100

/**
 * The petal context of one incarnation.
 *
 * @category petal SDK
 */
export class PetalIncarnation implements PetalContext<unknown> {
  private next: { value: unknown } | undefined = undefined
  private readonly jobTable: JobStatus[] = []
  private jobSeq = 0
  private readonly handles = new Map<string, JobHandle<unknown>>()
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
    const handle: JobHandle<T> = {
      id,
      result,
      cancel: (reason = 'cancelled') => {
        if (!ref.tell({ type: 'cancel', reason }) && status.state === 'running')
          settle.reject(new JobCancelled(id, reason))
      },
      status: () => status,
    }
    this.handles.set(id, handle as JobHandle<unknown>)
    void result.finally(() => this.handles.delete(id)).catch(() => {})
    return handle
  }

  jobs(): readonly JobStatus[] {
    return this.jobTable
  }

  cancelJob(id: string, reason = 'cancelled'): boolean {
    const handle = this.handles.get(id)
    if (handle === undefined || handle.status().state !== 'running') return false
    handle.cancel(reason)
    return true
  }

  publish(
    event: string,
    payload: Readonly<Record<string, unknown>>,
    options: { messageId?: string } = {},
  ): Promise<boolean> {
    return this.services.publish(`/${this.petal.name}/${event}`, payload, options.messageId)
  }

  operation(
    msg: MqttCommand,
    name: string,
    run: JobRun<MqttResponse>,
    options: { readonly event?: string; readonly timeoutMs?: number } = {},
  ): MqttResponse {
    const active = this.jobTable.find((j) => j.name === name && j.state === 'running')
    if (active !== undefined) {
      return {
        status: 'error',
        message: `${name} is already running (job ${active.id})`,
        error_code: 'OPERATION_ACTIVE',
        data: { job_id: active.id },
      }
    }
    const job = this.job(name, run, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs })
    const event = options.event ?? name
    const publish = (result: MqttResponse): void => {
      void this.publish(
        event,
        { success: result.status === 'success', ...result, job_id: job.id },
        { messageId: msg.messageId },
      )
    }
    job.result.then(publish, (e: unknown) =>
      publish(
        e instanceof JobCancelled
          ? { status: 'error', message: e.message, error_code: 'CANCELLED' }
          : { status: 'error', message: describeError(e), error_code: 'HANDLER_ERROR' },
      ),
    )
    return { status: 'success', message: `${name} started`, data: { job_id: job.id } }
  }

  cancelOperation(msg: MqttCommand): MqttResponse {
    const id = msg.payload.job_id
    if (typeof id !== 'string')
      return { status: 'error', message: 'payload.job_id must be a string', error_code: 'VALIDATION_ERROR' }
    return this.cancelJob(id, 'cancelled by command')
      ? { status: 'success', message: `job ${id} cancelled` }
      : { status: 'error', message: `no running job ${id}`, error_code: 'NOT_FOUND' }
  }
}
