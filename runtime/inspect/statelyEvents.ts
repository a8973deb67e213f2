/**
 * Inspection events as JSON in the shape `@statelyai/inspect` sends over a WebSocket (its
 * `StatelyInspectionEvent`: `type`, `sessionId`, `rootId`, `parentId`, `definition`, `snapshot`,
 * `event`, `createdAt`, `_version`), so its own receiver reads our stream. Two additions: an
 * `@xstate.actor` of an XState machine also carries `mermaid` (its diagram, rendered here), and
 * supervision events pass through as `@petal.supervision`. Values are serialized with a depth
 * limit (10) and functions replaced by their name, so any context is safe to send.
 */
import { configure } from 'safe-stable-stringify'
import type { AnyStateMachine } from 'xstate'
import type { InspectionEvent } from '../kernel/index.ts'
import { toMermaid } from './machineDiagram.ts'

const VERSION = '0.7.2'
const stringify = configure({ maximumDepth: 10 })

/** A serializable inspection event. */
export interface StatelyEvent {
  readonly type: string
  readonly sessionId: string
  readonly rootId: string | undefined
  readonly createdAt: string
  readonly id: null
  readonly _version: string
  readonly [field: string]: unknown
}

interface RefLike {
  readonly sessionId: string
  readonly id?: string
  readonly _parent?: { readonly sessionId: string }
  readonly logic?: { readonly config?: { readonly id?: string } }
  getSnapshot?(): unknown
}

const diagrams = new WeakMap<object, string>()

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'function' ? { type: (value as { name?: string }).name || 'function' } : value
}

/** JSON-safe copy of `value` (depth-limited, functions named). */
export function toJsonSafe(value: unknown): unknown {
  const text = stringify(value, replacer)
  return text === undefined ? null : (JSON.parse(text) as unknown)
}

/** True when `logic` is an XState machine (not a callback, promise or kernel actor). */
export function isMachine(logic: unknown): logic is AnyStateMachine {
  return typeof logic === 'object' && logic !== null && 'config' in logic && 'root' in logic
}

/** The Mermaid diagram of a machine, rendered once per machine. */
export function machineDiagram(logic: unknown): string | undefined {
  if (!isMachine(logic)) return undefined
  let d = diagrams.get(logic)
  if (d === undefined) {
    try {
      d = toMermaid(logic)
    } catch {
      d = ''
    }
    diagrams.set(logic, d)
  }
  return d === '' ? undefined : d
}

/** The actor's snapshot; XState refuses to give it while the actor initializes, so that is "active". */
function safeSnapshot(ref: RefLike): unknown {
  try {
    return toJsonSafe(ref.getSnapshot?.()) ?? { status: 'active' }
  } catch {
    return { status: 'active' }
  }
}

/**
 * Converts one inspection event that happened at `at` (default now); `undefined` for XState's
 * internal events (transitions, microsteps, actions), which the inspector does not take either.
 *
 * @category inspection
 */
export function toStatelyEvent(e: InspectionEvent, at: number = Date.now()): StatelyEvent | undefined {
  const base = { rootId: e.rootId, createdAt: at.toString(), id: null, _version: VERSION }
  const ref = e.actorRef as RefLike
  switch (e.type) {
    case '@xstate.actor': {
      const config = ref.logic?.config
      const mermaid = machineDiagram(ref.logic)
      return {
        ...base,
        type: '@xstate.actor',
        name: ref.id === ref.sessionId && config?.id ? config.id : (ref.id ?? ref.sessionId),
        sessionId: ref.sessionId,
        parentId: ref._parent?.sessionId,
        definition: stringify(config ?? { id: ref.id ?? ref.sessionId }, replacer),
        snapshot: safeSnapshot(ref),
        ...(mermaid === undefined ? {} : { mermaid }),
      }
    }
    case '@xstate.event':
      return {
        ...base,
        type: '@xstate.event',
        event: toJsonSafe(e.event),
        sourceId: e.sourceRef?.sessionId,
        sessionId: ref.sessionId,
      }
    case '@xstate.snapshot':
      return {
        ...base,
        type: '@xstate.snapshot',
        event: toJsonSafe(e.event),
        snapshot: toJsonSafe(e.snapshot),
        sessionId: ref.sessionId,
      }
    case '@petal.supervision':
      return {
        ...base,
        type: '@petal.supervision',
        sessionId: ref.sessionId,
        kind: e.kind,
        path: e.path,
        reason: e.reason,
        restarts: e.restarts,
        delayMs: e.delayMs,
      }
    default:
      return undefined
  }
}
