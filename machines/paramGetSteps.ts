/**
 * What the bulk-get machine does with each event (rules in `paramGet.machine.ts`). As for the bulk
 * set, bookkeeping is mutable context so one event costs O(window); everything is deterministic
 * given the context, the event and `now`.
 */
import {
  classifyStatusText,
  type FlowEmitted,
  type MavlinkEvent,
  PARAM_ERROR_NAMES,
  type ParamValueEvent,
} from './mavlinkEvents.ts'
import { bitsToFloat, decodeParamBits, type ParamEncoding } from './paramValue.ts'
import type { RequestWindow } from './RequestWindow.ts'
import type { RttEstimator } from './RttEstimator.ts'

/** One parameter as read (the original's `{ name, value, raw, type, count, index }`, plus bits). */
export interface ParamReading {
  readonly name: string
  readonly value: number
  /** The float as received. */
  readonly raw: number
  /** The uint32 bits as received. */
  readonly bits: number
  readonly type: number
  readonly count: number
  readonly index: number
}

/** PX4's cache-check pseudo-parameter: not a parameter, never counted. */
export const HASH_CHECK = '_HASH_CHECK'

/** @internal The machine's context. */
export interface GetContext {
  readonly mode: 'names' | 'all'
  readonly now: () => number
  readonly encoding: ParamEncoding
  readonly rtt: RttEstimator
  readonly startedAt: number
  readonly deadline: number
  /** Names mode: the requests. All mode: the repair requests, by index. */
  readonly window: RequestWindow<string | number>
  readonly byName: Map<string, ParamReading>
  readonly errors: Map<string, string>
  /** All mode: readings by index. */
  readonly byIndex: Map<number, ParamReading>
  count: number | undefined
  listSentAt: number
  listAttempts: number
  /** PARAM_REQUEST_LISTs sent in all. */
  listsSent: number
  readonly listRetries: number
  readonly listTimeoutMs: number
  readonly quietMs: number
  countChanges: number
  readonly maxResyncs: number
  repairing: boolean
  hash: number | undefined
  /** Names mode: requests not yet answered nor given up. */
  open: number
}

/** @internal A reading from an event. */
export function reading(e: ParamValueEvent, encoding: ParamEncoding): ParamReading {
  return {
    name: e.name,
    value: decodeParamBits(e.bits, e.paramType, encoding),
    raw: bitsToFloat(e.bits),
    bits: e.bits >>> 0,
    type: e.paramType,
    count: e.count,
    index: e.index,
  }
}

function progress(c: GetContext, out: FlowEmitted[]): void {
  const total = c.mode === 'names' ? c.byName.size + c.open + c.errors.size : (c.count ?? 0)
  out.push({ type: 'progress', done: c.mode === 'names' ? c.byName.size : c.byIndex.size, total })
}

/** @internal Names mode: applies one event, then sends what the window allows. */
export function namesStep(c: GetContext, event: MavlinkEvent | { type: string }): FlowEmitted[] {
  const out: FlowEmitted[] = []
  const e = event as MavlinkEvent
  const now = c.now()
  const fail = (name: string, why: string): void => {
    if (c.window.has(name) && c.window.attempts(name) > 0) {
      c.window.settle(name, now)
      c.errors.set(name, why)
      c.open--
    }
  }
  if (e.type === 'PARAM_VALUE') {
    if (c.window.has(e.name) && c.window.attempts(e.name) > 0) {
      c.window.settle(e.name, now)
      c.byName.set(e.name, reading(e, c.encoding))
      c.open--
      progress(c, out)
    }
  } else if (e.type === 'PARAM_ERROR') {
    fail(e.name, PARAM_ERROR_NAMES[e.error] ?? `PARAM_ERROR ${e.error}`)
  } else if (e.type === 'STATUSTEXT') {
    const said = classifyStatusText(e.text)
    if (said?.kind === 'unknown') fail(said.name, `DOES_NOT_EXIST: ${e.text}`)
  } else if (e.type === 'CANCEL') {
    for (const name of c.window.drain()) c.errors.set(String(name), 'cancelled')
    c.open = 0
    return out
  }
  if (now >= c.deadline) {
    for (const name of c.window.drain()) c.errors.set(String(name), 'no reply before the deadline')
    c.open = 0
    return out
  }
  for (const name of c.window.expire(now)) {
    c.errors.set(name as string, `no reply after ${c.window.maxAttempts} attempts`)
    c.open--
  }
  c.window.fill(now, (name) =>
    out.push({ type: 'send', message: { kind: 'PARAM_REQUEST_READ', name: name as string, index: -1 } }),
  )
  return out
}

/** @internal All mode: records a PARAM_VALUE (any value that fills a hole counts). */
export function recordListed(c: GetContext, e: ParamValueEvent): FlowEmitted[] {
  const out: FlowEmitted[] = []
  const now = c.now()
  if (e.name === HASH_CHECK) {
    c.hash = e.bits >>> 0
    return out
  }
  if (c.byIndex.size === 0 && c.listAttempts === 1 && c.count === undefined) c.rtt.sample(now - c.listSentAt)
  if (c.count === undefined || e.count !== c.count) c.count = e.count
  if (e.index < e.count && !c.byIndex.has(e.index)) {
    const r = reading(e, c.encoding)
    c.byIndex.set(e.index, r)
    c.byName.set(e.name, r)
    if (c.repairing) c.window.settle(e.index, now)
    progress(c, out)
  } else if (e.index === 65535 && c.byName.has(e.name)) {
    // A set echo: refresh the value, keep the known index.
    const known = c.byName.get(e.name)!
    const r = { ...reading(e, c.encoding), index: known.index }
    c.byName.set(e.name, r)
    c.byIndex.set(known.index, r)
  }
  return out
}

/** @internal True when `e` says the parameter count changed and a re-list is still allowed. */
export function countChanged(c: GetContext, e: ParamValueEvent): boolean {
  return (
    e.name !== HASH_CHECK && c.count !== undefined && e.count !== c.count && c.countChanges < c.maxResyncs
  )
}

/** @internal Starts over after a count change: the table is rebuilt from a new list. */
export function resync(c: GetContext, e: ParamValueEvent): void {
  c.countChanges++
  c.count = e.count
  c.byIndex.clear()
  c.byName.clear()
  c.window.drain()
  c.repairing = false
  c.listAttempts = 0
}

/** @internal True when every index of a known count has been read. */
export function complete(c: GetContext): boolean {
  return c.count !== undefined && c.byIndex.size >= c.count
}

/** @internal Repair by index: queues the holes on first entry, then resends what is due. */
export function repairStep(c: GetContext): FlowEmitted[] {
  const out: FlowEmitted[] = []
  const now = c.now()
  if (!c.repairing) {
    c.repairing = true
    for (let i = 0; i < (c.count ?? 0); i++) if (!c.byIndex.has(i)) c.window.add(i)
  }
  c.window.expire(now)
  c.window.fill(now, (index) =>
    out.push({ type: 'send', message: { kind: 'PARAM_REQUEST_READ', name: '', index: index as number } }),
  )
  return out
}

/** @internal Time until the window must look again, or the deadline. */
export function getWakeDelay(c: GetContext): number {
  const next = Math.min(c.window.nextExpiry() ?? Number.POSITIVE_INFINITY, c.deadline)
  return Math.max(1, next - c.now())
}
