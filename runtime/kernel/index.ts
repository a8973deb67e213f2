/**
 * The actor kernel: actors with bounded mailboxes, supervisors, death watch, an injectable clock
 * and inspection. It imports nothing of the project outside this folder and no I/O library.
 */

export {
  ActorRef,
  type ActorSnapshot,
  type ActorStatus,
  type AskOptions,
  DEFAULT_ASK_TIMEOUT_MS,
} from './ActorRef.ts'
export {
  type ActorDescription,
  ActorSystem,
  type ActorSystemOptions,
  createActorSystem,
} from './ActorSystem.ts'
export { installProcessGuards } from './asyncAttribution.ts'
export type {
  ActorContext,
  ActorOptions,
  Behavior,
  ExitReason,
  Message,
  Reply,
  Terminated,
} from './Behavior.ts'
export { type Backoff, type BackoffOptions, backoffDelay, resolveBackoff } from './backoff.ts'
export { type Clock, realClock, type TimerHandle } from './Clock.ts'
export { type DeadLetterReason, DeadLetters } from './DeadLetters.ts'
export {
  ActorFailed,
  ActorStopped,
  AskTimeout,
  describeError,
  FaultInjected,
  HandlerTimeout,
  IntensityExceeded,
  KernelError,
  MailboxFull,
  MessageDropped,
  NoReply,
} from './errors.ts'
export {
  DEFAULT_FAULT_MAX_MS,
  FAULT_POINT_NAMES,
  FAULT_POINTS,
  type FaultPlan,
  type FaultPlanProblem,
  type FaultPointName,
  type FaultPointSpec,
  type FaultReport,
  Faults,
  faultPlanProblems,
} from './faults.ts'
export type {
  InspectedActorEvent,
  InspectedEventEvent,
  InspectedSnapshotEvent,
  InspectedXStateEvent,
  InspectionEvent,
  InspectionObserver,
  SupervisionEvent,
  SupervisionKind,
} from './inspection.ts'
export { type Logger, silentLogger } from './Logger.ts'
export { DEFAULT_MAILBOX_CAPACITY, Mailbox, type OverflowPolicy } from './Mailbox.ts'
export { RestartWindow } from './RestartWindow.ts'
export { type Random, seededRandom } from './seededRandom.ts'
export {
  type ChildBudget,
  type ChildInfo,
  type ChildSpec,
  deleteChild,
  type RestartType,
  restartChild,
  type Strategy,
  SUPERVISOR_DEFAULTS,
  type SupervisorMsg,
  type SupervisorSpec,
  startChild,
  supervisor,
  terminateChild,
  whichChildren,
} from './supervisor.ts'
export { settle, VirtualClock } from './VirtualClock.ts'
