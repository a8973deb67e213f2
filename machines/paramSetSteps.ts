/**
 * What the bulk-set machine does with each event (see `paramSet.machine.ts` for the rules). The
 * bookkeeping is mutable and lives in the machine's context, so one event costs O(window), not
 * O(parameters); every function here is deterministic given the context, the event and `now`.
 */
import type { FlowEmitted, MavlinkEvent, ParamValueEvent } from './mavlinkEvents.ts'
import { classifyStatusText, PARAM_ERROR_NAMES } from './mavlinkEvents.ts'
import type { ParamToSet } from './paramSpec.ts'
import {
  bitsToFloat,
  decodeParamBits,
  encodeParamBits,
  type ParamEncoding,
  sameParamValue,
} from './paramValue.ts'
import type { RequestWindow } from './RequestWindow.ts'
import type { RttEstimator } from './RttEstimator.ts'

/** The outcome for one parameter. */
export type ParamSetStatus = 'confirmed' | 'adjusted' | 'rejected' | 'timeout'

/** What happened to one parameter of a bulk set. */
export interface ParamSetResult {
  readonly status: ParamSetStatus
  /** The echoed value (decoded), or the requested one when nothing came back. */
  readonly value: number
  /** The echoed MAV_PARAM_TYPE, or the requested one. */
  readonly type: number
  /** The echoed float as received (the original's `raw`); null without an echo. */
  readonly raw: number | null
  /** The echoed uint32 bits; null without an echo. */
  readonly bits: number | null
  readonly index: number | null
  readonly count: number | null
  /** PARAM_SET frames sent for it. */
  readonly attempts: number
  readonly error?: string
}

/** @internal One parameter's bookkeeping. */
export interface SetItem extends ParamToSet {
  readonly bits: number
  denied: boolean
  mismatch: ParamValueEvent | undefined
  result: ParamSetResult | undefined
}

/** @internal The machine's context. */
export interface SetContext {
  readonly now: () => number
  readonly encoding: ParamEncoding
  readonly verify: boolean
  readonly items: Map<string, SetItem>
  readonly window: RequestWindow<string>
  readonly rtt: RttEstimator
  readonly startedAt: number
  readonly deadline: number
  open: number
}

/** @internal Builds the items, bits encoded for the peer. */
export function setItems(params: readonly ParamToSet[], encoding: ParamEncoding): Map<string, SetItem> {
  const items = new Map<string, SetItem>()
  for (const p of params) {
    items.set(p.name, {
      ...p,
      bits: encodeParamBits(p.value, p.type, encoding),
      denied: false,
      mismatch: undefined,
      result: undefined,
    })
  }
  return items
}

function settle(
  c: SetContext,
  item: SetItem,
  status: ParamSetStatus,
  echo: ParamValueEvent | undefined,
  out: FlowEmitted[],
  error?: string,
): void {
  const attempts = c.window.settle(item.name, c.now()) ?? c.window.attempts(item.name)
  item.result = {
    status,
    value: echo === undefined ? item.value : decodeParamBits(echo.bits, echo.paramType, c.encoding),
    type: echo?.paramType ?? item.type,
    raw: echo === undefined ? null : bitsToFloat(echo.bits),
    bits: echo === undefined ? null : echo.bits >>> 0,
    index: echo?.index ?? null,
    count: echo?.count ?? null,
    attempts: Math.max(attempts, item.result?.attempts ?? 0),
    ...(error === undefined ? {} : { error }),
  }
  c.open--
  out.push({ type: 'progress', done: c.items.size - c.open, total: c.items.size })
}

/** A parameter that ran out of transmissions or time: rejected, adjusted, or timed out. */
function giveUp(c: SetContext, item: SetItem, out: FlowEmitted[], attempts: number, why: string): void {
  if (item.denied) settle(c, item, 'rejected', item.mismatch, out, 'PERMISSION_DENIED: write denied')
  else if (item.mismatch !== undefined) settle(c, item, 'adjusted', item.mismatch, out)
  else settle(c, item, 'timeout', undefined, out, why)
  item.result = { ...item.result!, attempts }
}

function onParamValue(c: SetContext, e: ParamValueEvent, out: FlowEmitted[]): void {
  const item = c.items.get(e.name)
  // An echo before our first PARAM_SET is someone else's broadcast of the old value.
  if (item === undefined || item.result !== undefined || c.window.attempts(item.name) === 0) return
  const echoed = decodeParamBits(e.bits, e.paramType, c.encoding)
  if (!c.verify || sameParamValue(item.value, item.type, echoed)) settle(c, item, 'confirmed', e, out)
  else if (item.denied) settle(c, item, 'rejected', e, out, 'PERMISSION_DENIED: write denied')
  else if (item.mismatch !== undefined && item.mismatch.bits === e.bits) settle(c, item, 'adjusted', e, out)
  else {
    item.mismatch = e
    if (!c.window.retryNow(item.name)) settle(c, item, 'adjusted', e, out)
  }
}

/** @internal Applies one event, then sends what the window allows; returns what to emit. */
export function setStep(c: SetContext, event: MavlinkEvent | { type: string }): FlowEmitted[] {
  const out: FlowEmitted[] = []
  const e = event as MavlinkEvent
  if (e.type === 'PARAM_VALUE') onParamValue(c, e, out)
  else if (e.type === 'PARAM_ERROR') {
    const item = c.items.get(e.name)
    if (item !== undefined && item.result === undefined && c.window.attempts(item.name) > 0)
      settle(c, item, 'rejected', undefined, out, PARAM_ERROR_NAMES[e.error] ?? `PARAM_ERROR ${e.error}`)
  } else if (e.type === 'STATUSTEXT') {
    const said = classifyStatusText(e.text)
    const item = said === undefined ? undefined : c.items.get(said.name)
    if (item !== undefined && item.result === undefined && c.window.attempts(item.name) > 0) {
      if (said!.kind === 'unknown') settle(c, item, 'rejected', undefined, out, `DOES_NOT_EXIST: ${e.text}`)
      else if (item.mismatch !== undefined)
        settle(c, item, 'rejected', item.mismatch, out, 'PERMISSION_DENIED: write denied')
      else item.denied = true
    }
  } else if (e.type === 'CANCEL') {
    for (const item of c.items.values())
      if (item.result === undefined)
        giveUp(c, item, out, c.window.attempts(item.name), `cancelled${e.reason ? `: ${e.reason}` : ''}`)
    return out
  }
  pump(c, out)
  return out
}

function pump(c: SetContext, out: FlowEmitted[]): void {
  const now = c.now()
  if (now >= c.deadline) {
    for (const item of c.items.values())
      if (item.result === undefined)
        giveUp(c, item, out, c.window.attempts(item.name), 'no echo before the deadline')
    return
  }
  for (const name of c.window.expire(now)) {
    const item = c.items.get(name)!
    giveUp(c, item, out, c.window.maxAttempts, `no echo after ${c.window.maxAttempts} attempts`)
  }
  c.window.fill(now, (name) => {
    const item = c.items.get(name)!
    out.push({
      type: 'send',
      message: { kind: 'PARAM_SET', name, bits: item.bits, paramType: item.type },
    })
  })
}

/** @internal Time until the machine must look again (a resend is due, or the deadline). */
export function setWakeDelay(c: SetContext): number {
  const next = Math.min(c.window.nextExpiry() ?? Number.POSITIVE_INFINITY, c.deadline)
  return Math.max(1, next - c.now())
}
