/**
 * Inspection events, shaped as XState 5's `InspectionEvent` (`@xstate.actor`, `@xstate.event`,
 * `@xstate.snapshot`) so the Stately inspector and our dashboard read kernel actors and XState
 * machines as one tree, plus `@petal.supervision` events (started, failed, restart, escalated,
 * stopped, abandoned). The bus holds no observer by default; every emit site checks a flag first,
 * so with nobody listening inspection costs one property read. Per-message events of kernel actors
 * (`@xstate.event`, `@xstate.snapshot` for every message) go only to observers that ask for them
 * (`messages: true`, the default); the dashboard does not, so it costs the hot path nothing.
 */

/** The part of an actor reference an inspector reads (XState's `sessionId`, `id`, `getSnapshot`). */
export interface InspectedRef {
  readonly sessionId: string
  readonly id: string
  getSnapshot(): unknown
}

interface InspectionBase {
  readonly rootId: string
  readonly actorRef: InspectedRef
}

/** An actor was created (XState: `@xstate.actor`). */
export interface InspectedActorEvent extends InspectionBase {
  readonly type: '@xstate.actor'
}

/** A message was delivered to an actor (XState: `@xstate.event`). */
export interface InspectedEventEvent extends InspectionBase {
  readonly type: '@xstate.event'
  readonly sourceRef: InspectedRef | undefined
  readonly event: { readonly type: string }
}

/** An actor finished handling a message; its new snapshot (XState: `@xstate.snapshot`). */
export interface InspectedSnapshotEvent extends InspectionBase {
  readonly type: '@xstate.snapshot'
  readonly event: { readonly type: string }
  readonly snapshot: unknown
}

/** What a supervisor did, or what happened to an actor's lifecycle. */
export type SupervisionKind =
  | 'started'
  | 'failed'
  | 'restart'
  | 'escalated'
  | 'stopped'
  | 'abandoned'
  | 'gave-up'

/** A supervision event (ours, not XState's); `delayMs` is the backoff of a `restart`. */
export interface SupervisionEvent extends InspectionBase {
  readonly type: '@petal.supervision'
  readonly kind: SupervisionKind
  readonly path: string
  readonly reason?: string
  readonly restarts?: number
  readonly delayMs?: number
}

/** XState's other inspection events (from machines), passed through as they are. */
export interface InspectedXStateEvent extends InspectionBase {
  readonly type: '@xstate.transition' | '@xstate.microstep' | '@xstate.action'
  readonly [field: string]: unknown
}

/** Every event an observer can receive. */
export type InspectionEvent =
  | InspectedActorEvent
  | InspectedEventEvent
  | InspectedSnapshotEvent
  | InspectedXStateEvent
  | SupervisionEvent

/** Receives inspection events; must not throw (a throw is caught and the observer dropped). */
export type InspectionObserver = (event: InspectionEvent) => void

/**
 * Fan-out of inspection events to observers.
 *
 * @category inspection
 */
export class InspectionBus {
  private observers: { readonly fn: InspectionObserver; readonly messages: boolean }[] = []
  /** True while at least one observer is attached; emit sites check it before building events. */
  active = false
  /** True while at least one observer wants per-message events of kernel actors. */
  messages = false

  /** Adds an observer; returns the function that removes it. */
  subscribe(observer: InspectionObserver, options: { readonly messages?: boolean } = {}): () => void {
    this.observers = [...this.observers, { fn: observer, messages: options.messages ?? true }]
    this.refresh()
    return () => this.remove(observer)
  }

  /** Any event except per-message events of kernel actors. */
  emit(event: InspectionEvent): void {
    for (const o of this.observers) this.call(o.fn, event)
  }

  /** A per-message event of a kernel actor (`@xstate.event`, `@xstate.snapshot`). */
  emitMessage(event: InspectionEvent): void {
    for (const o of this.observers) if (o.messages) this.call(o.fn, event)
  }

  private call(fn: InspectionObserver, event: InspectionEvent): void {
    try {
      fn(event)
    } catch {
      this.remove(fn)
    }
  }

  private remove(observer: InspectionObserver): void {
    this.observers = this.observers.filter((o) => o.fn !== observer)
    this.refresh()
  }

  private refresh(): void {
    this.active = this.observers.length > 0
    this.messages = this.observers.some((o) => o.messages)
  }
}
