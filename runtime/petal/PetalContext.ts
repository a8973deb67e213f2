/**
 * What a petal's handlers receive as `ctx`: its proxies (only the declared ones), its settings, a
 * logger, failure-captured timers, `setState` for MQTT/HTTP handlers, and jobs (child actors with
 * progress and cancel). One context per incarnation: after a restart, timers and jobs of the old
 * incarnation are gone.
 */
import type { ProxyName } from '../../actors/ProxyKind.ts'
import type { ActorContext, ActorRef, Logger } from '../kernel/index.ts'
import type { MqttCommand, MqttResponse } from './definePetal.ts'
import type { JobHandle, JobRun, JobStartOptions, JobStatus } from './jobs.ts'
import type { ProxyFacades } from './proxyFacades.ts'

/**
 * The context of one petal incarnation, as `init` sees it (no state yet, so nothing here depends
 * on the state type: TypeScript infers the state from `init`'s return value).
 */
export interface PetalInitContext<R extends ProxyName = ProxyName, O extends ProxyName = ProxyName> {
  readonly name: string
  readonly version: string
  readonly log: Logger
  /** This petal's `petal_settings` entry from the config (`{}` when absent). */
  readonly settings: Readonly<Record<string, unknown>>
  /** Restarts so far (0 on the first start). */
  readonly restarts: number
  /** The petal's own actor ref (tell it events). */
  readonly self: ActorRef<never>

  /** A declared required proxy's facade. Asking for an undeclared one throws. */
  proxy<K extends R>(name: K): ProxyFacades[K]
  /** A declared optional proxy's facade, or `undefined` when it is not enabled. */
  optionalProxy<K extends O>(name: K): ProxyFacades[K] | undefined

  /** A timer owned by this incarnation; a throw inside fails (restarts) the petal. */
  setTimeout(fn: () => unknown, ms: number): () => void
  setInterval(fn: () => unknown, ms: number): () => void
  /** Wraps a callback given to a library: a throw or rejection inside fails the petal. */
  guard<A extends unknown[]>(fn: (...args: A) => unknown): (...args: A) => void
  /** Runs `close` when this incarnation ends (stop, restart or failure). */
  onCleanup(close: (forced: boolean) => unknown): void
  /** Fails (restarts) the petal. */
  fail(error: unknown): void

  /** Starts a job: a child actor running `run`, with progress and cancel. */
  job<T>(name: string, run: JobRun<T>, options?: JobStartOptions): JobHandle<T>
  /** Jobs of this incarnation, newest last (running ones, and the last 100 finished). */
  jobs(): readonly JobStatus[]
  /** Cancels a running job of this incarnation; false when there is none with that id. */
  cancelJob(id: string, reason?: string): boolean

  /**
   * Publishes the original's phase-2 message `{ messageId, command: '/<petal>/<event>', timestamp,
   * payload }` on `command/web` (QoS 1, through the outbox). Resolves false when MQTT is not
   * enabled. No need to declare the mqtt proxy.
   */
  publish(
    event: string,
    payload: Readonly<Record<string, unknown>>,
    options?: { messageId?: string },
  ): Promise<boolean>

  /**
   * The two-phase pattern of long commands: starts `run` as a job named `name` and answers at once
   * (`{ status: 'success', data: { job_id } }`, or `OPERATION_ACTIVE` while a job of that name
   * runs); when it ends, publishes its result (`{ success, status, message, data?, error_code?,
   * job_id }`, `CANCELLED` if cancelled) on `/<petal>/<event>` with the command's messageId. Job
   * progress is published by the host as for any job.
   */
  operation(
    msg: MqttCommand,
    name: string,
    run: JobRun<MqttResponse>,
    options?: { readonly event?: string; readonly timeoutMs?: number },
  ): MqttResponse

  /**
   * The cancel command of the two-phase pattern: cancels the running job `msg.payload.job_id`
   * (reason `cancelled by command`, so its operation publishes `CANCELLED`). Answers
   * `VALIDATION_ERROR` when `job_id` is not a string and `NOT_FOUND` when no such job runs.
   *
   * @example
   * ```ts
   * mqtt: { cancel_operation: (msg, _state, ctx) => ctx.cancelOperation(msg) }
   * ```
   */
  cancelOperation(msg: MqttCommand): MqttResponse

  /** The kernel context, for what the SDK does not wrap. */
  readonly actor: ActorContext
}

/** The context handlers receive: the init context plus `setState`. */
export interface PetalContext<S, R extends ProxyName = ProxyName, O extends ProxyName = ProxyName>
  extends PetalInitContext<R, O> {
  /** Replaces the state once the current handler returns (MQTT, HTTP and WS handlers). */
  setState(next: S): void
}
