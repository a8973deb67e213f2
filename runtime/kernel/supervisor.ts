/**
 * Supervisors: the manual. A supervisor starts its children, watches them, and restarts them when
 * they end, following OTP's `supervisor` with two additions (backoff, per-child budgets) and one
 * deliberate difference (giving up is a failure, not a `shutdown`). Each sentence below is checked
 * by `test/kernel/supervisor*.test.ts`.
 *
 * **Starting.** Children start one at a time, in spec order; a child starts after the previous one's
 * `init` has settled. A child whose `init` fails is handled as any failure (below); under
 * `one_for_one` the remaining children still start, under `rest_for_one` and `one_for_all` the
 * start sequence stops there and the restart of the failed child starts the rest. The supervisor's
 * own start resolves when every child has been tried.
 *
 * **Restart types** (`restart`, default `permanent`): a `permanent` child is restarted whatever its
 * exit reason, `normal` included. A `transient` child is restarted only after a failure (a throw, a
 * rejection, a time limit, `ctx.fail`, or being abandoned); it stays stopped after `stopSelf()` or a
 * stop. A `temporary` child is never restarted, not even when a sibling's failure stopped it under
 * `one_for_all` or `rest_for_one`; its spec is removed when it ends.
 *
 * **Strategies** (`strategy`, default `one_for_one`): `one_for_one` restarts only the child that
 * ended. `one_for_all` stops every other running child (in reverse start order), then restarts all
 * of them in start order. `rest_for_one` stops the children started after the one that ended (in
 * reverse order), then restarts it and them, in order. A child stopped by the operator
 * (`terminateChild`) is left stopped by group restarts.
 *
 * **Intensity** (`intensity`, default 1; `periodMs`, default 5000): a sliding window with
 * millisecond precision. A restart at time t is allowed while, counting it, at most `intensity`
 * restarts fall within `[t - periodMs, t]`; the next one makes the supervisor give up. `intensity: 0`
 * gives up on the first restart. One restart decision counts once, even when a group of children is
 * restarted. A restart whose `init` fails counts again when that failure is handled.
 *
 * **Backoff** (`backoff`, default none: restart at once, as OTP): the n-th consecutive restart of a
 * child waits `min(maxMs, minMs * 2^n * (1 + r * jitter))`, r uniform in [0, 1) from the system's
 * seeded random; the delay never exceeds `maxMs` and is never below `minMs`. The count of a child
 * resets once it has run `resetAfterMs` (default `(minMs + maxMs) / 2`) without failing. During the
 * wait the child's status is `restarting` and messages sent to it wait in its mailbox (bounded by
 * its capacity). A group restart waits the backoff of the child that ended.
 *
 * **Giving up and escalation**: past its intensity a supervisor stops all its children (reverse
 * start order) and fails with `IntensityExceeded`; its parent handles that failure by the
 * supervisor's own restart type. Unlike OTP, where a supervisor exits `shutdown` and a `transient`
 * supervisor child is then not restarted, here giving up is abnormal, so `transient` restarts it.
 * When the root gives up, the system's `onFatal` runs (the CLI logs one line and exits with code 70).
 *
 * **Per-child budget** (`budget`, `one_for_one` only): a child with its own `{ intensity, periodMs,
 * backoff }` is counted in its own window instead of the supervisor's. Past it, with `onExhausted:
 * 'fail'` (the default) the child is marked `failed` and stays down while its siblings run on and
 * the supervisor does not give up; with `'escalate'` the supervisor gives up as above.
 *
 * **Stopping** (`shutdownMs`, default 5000 for a worker and `Infinity` for a supervisor): children
 * stop in reverse start order, one at a time. Each gets its `shutdownMs` to finish the message in
 * hand, stop its own children, run `stop` and its cleanups; past that it is abandoned: its timers
 * are cancelled, its cleanups run with `forced = true`, its children are force-stopped, and its
 * late results are ignored. A child that fails ends the same way before its supervisor reacts: its
 * own children stop, its `stop` runs (when its `init` had completed) and its cleanups run. No child
 * outlives its parent: a supervisor that gives up, fails or is stopped has stopped all its children
 * first.
 */
import type { ActorRef } from './ActorRef.ts'
import type { ActorOptions, Behavior, Message } from './Behavior.ts'
import type { BackoffOptions } from './backoff.ts'

/** Which children restart when one ends. */
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one'

/** When a child is restarted. */
export type RestartType = 'permanent' | 'transient' | 'temporary'

/** A child's own restart budget (see the module doc, "Per-child budget"). */
export interface ChildBudget {
  readonly intensity: number
  readonly periodMs: number
  readonly backoff?: BackoffOptions
  /** Default `fail`: mark the child failed and leave it down. */
  readonly onExhausted?: 'fail' | 'escalate'
}

/** One child of a supervisor: a behaviour (a worker) or a nested supervisor. */
export interface ChildSpec {
  readonly id: string
  // biome-ignore lint/suspicious/noExplicitAny: a child may hold any state and protocol
  readonly start: Behavior<any, any> | SupervisorSpec
  /** Default `permanent`. */
  readonly restart?: RestartType
  /** Default 5000 for a worker, `Infinity` for a supervisor. */
  readonly shutdownMs?: number
  /** Mailbox and time-limit options of a worker child. */
  readonly options?: ActorOptions
  /** The child's own restart budget (`one_for_one` only). */
  readonly budget?: ChildBudget
}

/** A supervisor; build it with {@link supervisor}. */
export interface SupervisorSpec {
  readonly kind: 'supervisor'
  /** Default `one_for_one`. */
  readonly strategy?: Strategy
  /** Default 1. */
  readonly intensity?: number
  /** Default 5000. */
  readonly periodMs?: number
  /** Default none (restart at once). */
  readonly backoff?: BackoffOptions
  readonly children: readonly ChildSpec[]
}

/** Defaults, as stated in the module doc. */
export const SUPERVISOR_DEFAULTS = {
  strategy: 'one_for_one' as Strategy,
  intensity: 1,
  periodMs: 5000,
  restart: 'permanent' as RestartType,
  workerShutdownMs: 5000,
  supervisorShutdownMs: Number.POSITIVE_INFINITY,
} as const

/**
 * Builds a supervisor spec.
 *
 * @example
 * const tree = supervisor({
 *   strategy: 'rest_for_one',
 *   intensity: 3,
 *   periodMs: 10_000,
 *   backoff: { minMs: 100, maxMs: 5_000 },
 *   children: [{ id: 'redis', start: redisBehavior }, { id: 'mqtt', start: mqttBehavior }],
 * })
 *
 * @category constructors
 */
export function supervisor(spec: Omit<SupervisorSpec, 'kind'>): SupervisorSpec {
  return { kind: 'supervisor', ...spec }
}

/** True when `start` is a nested supervisor. */
export function isSupervisorSpec(start: ChildSpec['start']): start is SupervisorSpec {
  return (start as SupervisorSpec).kind === 'supervisor'
}

/** How a child looks from its supervisor. */
export interface ChildInfo {
  readonly id: string
  readonly path: string
  readonly kind: 'worker' | 'supervisor'
  readonly status: string
  readonly restarts: number
  readonly restart: RestartType
}

/** Messages a supervisor answers (through `ask`; see the helpers below). */
export type SupervisorMsg =
  | { readonly type: 'start-child'; readonly spec: ChildSpec }
  | { readonly type: 'terminate-child'; readonly id: string }
  | { readonly type: 'restart-child'; readonly id: string }
  | { readonly type: 'delete-child'; readonly id: string }
  | { readonly type: 'which-children' }

/**
 * Adds and starts a child; resolves with its ref once its `init` settled (a failed `init` is then
 * handled by the restart policy). Rejects when the id is taken.
 *
 * @category supervision
 */
export function startChild<M extends Message = Message>(
  sup: ActorRef<SupervisorMsg>,
  spec: ChildSpec,
  timeoutMs = 60_000,
): Promise<ActorRef<M>> {
  return sup.ask({ type: 'start-child', spec }, { timeoutMs })
}

/**
 * Stops a child and keeps its spec (a `temporary` child's spec is removed). Group restarts leave it
 * stopped until {@link restartChild}.
 *
 * @category supervision
 */
export function terminateChild(sup: ActorRef<SupervisorMsg>, id: string, timeoutMs = 60_000): Promise<void> {
  return sup.ask({ type: 'terminate-child', id }, { timeoutMs })
}

/**
 * Starts a stopped child again; resolves true when it runs.
 *
 * @category supervision
 */
export function restartChild(sup: ActorRef<SupervisorMsg>, id: string, timeoutMs = 60_000): Promise<boolean> {
  return sup.ask({ type: 'restart-child', id }, { timeoutMs })
}

/**
 * Removes the spec of a stopped child.
 *
 * @category supervision
 */
export function deleteChild(sup: ActorRef<SupervisorMsg>, id: string, timeoutMs = 5_000): Promise<void> {
  return sup.ask({ type: 'delete-child', id }, { timeoutMs })
}

/**
 * Lists the children in start order.
 *
 * @category supervision
 */
export function whichChildren(sup: ActorRef<SupervisorMsg>, timeoutMs = 5_000): Promise<ChildInfo[]> {
  return sup.ask({ type: 'which-children' }, { timeoutMs })
}
