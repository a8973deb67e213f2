/**
 * Who gets which received message: subscribers by message name, by id, or `'*'` (everything,
 * unknown ids included, raw). It outlives proxy restarts (it is created once per proxy kind
 * instance), so petals stay subscribed across reconnects and restarts. A message object is built
 * only when someone subscribed to its id, and its fields are decoded only on access. A
 * subscriber's throw is caught, counted and logged at most once a second; the others still run.
 * `dedupMs` drops a message identical (same sender, same payload bytes) to the last one passed to
 * that subscriber within the interval (the original's duplicate filter).
 */
import type { Frame } from './codec/Frame.ts'
import { messageId } from './codec/messages.ts'
import { MavlinkValidationError } from './errors.ts'
import { MavlinkMessage } from './MavlinkMessage.ts'

/** A subscriber. */
export type MessageHandler = (message: MavlinkMessage) => void

/** Subscription options. */
export interface SubscribeOptions {
  /** Drop a message identical to the last one passed within this many ms. */
  readonly dedupMs?: number
}

interface Sub {
  readonly handler: MessageHandler
  readonly dedupMs: number
  last: Uint8Array | undefined
  lastAt: number
}

/** Dispatch counters. */
export interface DispatchStats {
  delivered: number
  handlerErrors: number
  deduplicated: number
}

/** A subscription key: a message name (`'HEARTBEAT'`), an id (`0`, `'0'`), or `'*'`. */
export type SubscriptionKey = string | number

/** Resolves a key to an id (or `'*'`); throws `MavlinkValidationError` for an unknown name. */
export function resolveKey(key: SubscriptionKey): number | '*' {
  if (key === '*' || key === 'mav') return '*'
  if (typeof key === 'number' || /^\d+$/.test(key)) {
    const id = Number(key)
    if (!Number.isInteger(id) || id < 0 || id > 0xffffff)
      throw new MavlinkValidationError(`message id ${key} is outside 0..16777215`)
    return id
  }
  const id = messageId(key.toUpperCase())
  if (id === undefined)
    throw new MavlinkValidationError(
      `unknown MAVLink message name '${key}': expected a name of common/ardupilotmega (e.g. HEARTBEAT), an id, or '*'`,
    )
  return id
}

/**
 * The subscriber table.
 *
 * @category dispatch
 */
export class Dispatch {
  readonly stats: DispatchStats = { delivered: 0, handlerErrors: 0, deduplicated: 0 }
  private readonly byId = new Map<number, Sub[]>()
  private any: Sub[] = []
  private lastErrorLog = Number.NEGATIVE_INFINITY

  constructor(private readonly onHandlerError: (error: unknown) => void = () => {}) {}

  /** Subscribes; returns the unsubscribe function (idempotent). */
  add(key: SubscriptionKey, handler: MessageHandler, options: SubscribeOptions = {}): () => void {
    const id = resolveKey(key)
    const sub: Sub = { handler, dedupMs: options.dedupMs ?? 0, last: undefined, lastAt: 0 }
    if (id === '*') this.any = [...this.any, sub]
    else this.byId.set(id, [...(this.byId.get(id) ?? []), sub])
    return () => {
      if (id === '*') this.any = this.any.filter((s) => s !== sub)
      else {
        const left = (this.byId.get(id) ?? []).filter((s) => s !== sub)
        if (left.length === 0) this.byId.delete(id)
        else this.byId.set(id, left)
      }
    }
  }

  /** True when someone subscribed to `msgid` (or to everything). */
  wants(msgid: number): boolean {
    return this.any.length > 0 || this.byId.has(msgid)
  }

  /** Number of subscriptions. */
  get size(): number {
    let n = this.any.length
    for (const l of this.byId.values()) n += l.length
    return n
  }

  /** Delivers `frame` to its subscribers. */
  deliver(frame: Frame, now: number): void {
    const subs = this.byId.get(frame.msgid)
    if (subs === undefined && this.any.length === 0) return
    const message = new MavlinkMessage(frame, now)
    if (subs !== undefined) for (const s of subs) this.call(s, message, now)
    for (const s of this.any) this.call(s, message, now)
  }

  private call(s: Sub, message: MavlinkMessage, now: number): void {
    if (s.dedupMs > 0) {
      const bytes = message.frame.payload
      if (s.last !== undefined && now - s.lastAt < s.dedupMs && sameBytes(s.last, bytes, message)) {
        this.stats.deduplicated++
        return
      }
      s.last = withSender(bytes, message)
      s.lastAt = now
    }
    try {
      this.stats.delivered++
      s.handler(message)
    } catch (e) {
      this.stats.handlerErrors++
      if (now - this.lastErrorLog >= 1000) {
        this.lastErrorLog = now
        this.onHandlerError(e)
      }
    }
  }
}

function withSender(payload: Uint8Array, m: MavlinkMessage): Uint8Array {
  const out = new Uint8Array(payload.length + 5)
  out[0] = m.sysid
  out[1] = m.compid
  out[2] = m.msgid & 0xff
  out[3] = (m.msgid >>> 8) & 0xff
  out[4] = m.msgid >>> 16
  out.set(payload, 5)
  return out
}

function sameBytes(last: Uint8Array, payload: Uint8Array, m: MavlinkMessage): boolean {
  if (last.length !== payload.length + 5) return false
  if (last[0] !== m.sysid || last[1] !== m.compid) return false
  if ((last[2]! | (last[3]! << 8) | (last[4]! << 16)) !== m.msgid) return false
  for (let i = 0; i < payload.length; i++) if (last[5 + i] !== payload[i]) return false
  return true
}
