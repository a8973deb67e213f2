/**
 * One connection to an autopilot, without sockets: bytes in (`receive`), frames out (`write`).
 * It owns framing, our sequence numbers and signing, the autopilot's identity and liveness, the
 * GCS heartbeat, and feeds subscribers and running flows.
 * - The target (sysid/compid) is learned from the first autopilot HEARTBEAT: one whose `autopilot`
 *   is not INVALID (8) and whose type is not a GCS (6) or onboard controller (18). While connected
 *   only the target's heartbeats count; a new autopilot is learned again after a loss.
 * - Connected after a heartbeat, lost after `heartbeatTimeoutMs` (default 3000) without one: one
 *   timer per timeout window, never a poll. While connected our GCS heartbeat goes out at
 *   `heartbeatHz` (default 5); while disconnected nothing runs, except a 1 Hz hello on links where
 *   the peer must hear us first (udpout).
 * - Parameter encoding: from AUTOPILOT_VERSION capabilities (requested once on connect), else
 *   from HEARTBEAT.autopilot (12 = PX4 → bytewise, otherwise C-cast).
 * - With a signing key, outgoing frames are signed and incoming frames need a valid, fresh
 *   signature; unsigned ones are refused unless `requireSigned` is false.
 */

import type { MavlinkEvent, Outgoing } from '../../machines/mavlinkEvents.ts'
import type { ParamEncoding } from '../../machines/paramValue.ts'
import type { Clock, Logger } from '../../runtime/kernel/index.ts'
import type { Frame } from './codec/Frame.ts'
import { FrameEncoder } from './codec/FrameEncoder.ts'
import { FrameParser } from './codec/FrameParser.ts'
import { frameToEvent, outgoingFrame } from './codec/flowFrames.ts'
import { SignatureChecker, Signer } from './codec/signing.ts'
import {
  CAPABILITY,
  commandLongPayload,
  heartbeatPayload,
  MSG,
  readCapabilities,
  readHeartbeat,
  readParamValue,
} from './codec/wireMessages.ts'
import type { Dispatch } from './Dispatch.ts'
import type { Timers } from './transport/Transport.ts'

/** Options of a {@link MavlinkSession}. */
export interface SessionOptions {
  readonly clock: Clock
  /** Timers owned by the session's owner; default: straight from `clock`. */
  readonly timers?: Timers
  readonly write: (bytes: Uint8Array) => boolean
  readonly dispatch: Dispatch
  /** Default 2 / 140 (MAV_COMP_ID_USER1), as the original. */
  readonly sourceSystem?: number
  readonly sourceComponent?: number
  readonly heartbeatHz?: number
  readonly heartbeatTimeoutMs?: number
  /** Send a 1 Hz heartbeat while no autopilot is heard (udpout). Default false. */
  readonly announce?: boolean
  readonly signingKey?: Uint8Array
  /** Refuse unsigned frames when a key is set. Default true. */
  readonly requireSigned?: boolean
  /** Only this system id may become the target. */
  readonly targetSystem?: number
  readonly log?: Logger
}

/** Session counters (health). */
export interface SessionStats {
  bytesIn: number
  bytesOut: number
  framesOut: number
  writeFailures: number
  signatureRefused: number
  connects: number
  losses: number
}

/** The learned autopilot. */
export interface Target {
  readonly sysid: number
  readonly compid: number
  readonly autopilot: number
  readonly type: number
}

/** Timers straight from a clock (tests and benchmarks without an actor). */
export function clockTimers(clock: Clock): Timers {
  return {
    now: () => clock.now(),
    setTimeout: (fn, ms) => {
      const h = clock.setTimeout(fn, ms)
      return () => clock.clearTimeout(h)
    },
  }
}

/**
 * A MAVLink connection's protocol state.
 *
 * @category proxy
 */
export class MavlinkSession {
  readonly parser = new FrameParser()
  readonly stats: SessionStats = {
    bytesIn: 0,
    bytesOut: 0,
    framesOut: 0,
    writeFailures: 0,
    signatureRefused: 0,
    connects: 0,
    losses: 0,
  }
  readonly encoder: FrameEncoder
  readonly clock: Clock
  readonly sourceSystem: number
  readonly sourceComponent: number
  /** Parameter types seen in PARAM_VALUEs, by name (a bulk set without types uses them). */
  readonly paramTypes = new Map<string, number>()
  target: Target | undefined = undefined
  connected = false
  lastHeartbeatAt: number | undefined = undefined
  encoding: ParamEncoding = 'c-cast'
  /** Where the encoding came from. */
  encodingSource: 'default' | 'heartbeat' | 'autopilot_version' = 'default'
  private readonly timers: Timers
  private readonly checker: SignatureChecker | undefined
  private readonly flowListeners = new Set<(e: MavlinkEvent) => void>()
  private readonly connectionListeners = new Set<(connected: boolean) => void>()
  private cancelLoss: (() => void) | undefined
  private cancelBeat: (() => void) | undefined
  private closed = false
  private readonly onFrameBound = (f: Frame) => this.onFrame(f)

  constructor(private readonly o: SessionOptions) {
    this.clock = o.clock
    this.timers = o.timers ?? clockTimers(o.clock)
    this.sourceSystem = o.sourceSystem ?? 2
    this.sourceComponent = o.sourceComponent ?? 140
    const signer = o.signingKey === undefined ? undefined : new Signer(o.signingKey)
    this.encoder = new FrameEncoder({
      sysid: this.sourceSystem,
      compid: this.sourceComponent,
      ...(signer === undefined ? {} : { signer }),
    })
    this.checker = o.signingKey === undefined ? undefined : new SignatureChecker(o.signingKey)
    if (o.announce) this.scheduleBeat()
  }

  /** Bytes from the transport. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return
    this.stats.bytesIn += chunk.length
    this.parser.push(chunk, this.onFrameBound)
  }

  /** The transport came up: a link that must announce itself says hello at once. */
  linkUp(): void {
    if (this.closed || !this.o.announce || this.connected) return
    this.cancelBeat?.()
    this.beat()
  }

  /** Sends a frame for message `msgid` with `payload`; false when the transport refused it. */
  sendPayload(msgid: number, payload: Uint8Array): boolean {
    return this.write(this.encoder.frame(msgid, payload))
  }

  /** Sends a node-mavlink message. */
  sendMessage(message: object): boolean {
    return this.write(this.encoder.encode(message))
  }

  /** Sends what a flow asked for, addressed to the target. */
  sendOutgoing(message: Outgoing): boolean {
    const t = this.target
    if (t === undefined) return false
    const { msgid, payload } = outgoingFrame(message, t.sysid, t.compid)
    return this.sendPayload(msgid, payload)
  }

  private write(bytes: Uint8Array): boolean {
    let ok = false
    try {
      ok = this.o.write(bytes)
    } catch {
      ok = false
    }
    if (ok) {
      this.stats.framesOut++
      this.stats.bytesOut += bytes.length
    } else this.stats.writeFailures++
    return ok
  }

  /** Subscribes a flow to the target's events; returns the unsubscribe function. */
  addFlowListener(listener: (e: MavlinkEvent) => void): () => void {
    this.flowListeners.add(listener)
    return () => this.flowListeners.delete(listener)
  }

  /** Hears connection changes; returns the unsubscribe function. */
  onConnection(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener)
    return () => this.connectionListeners.delete(listener)
  }

  /** Resolves true once connected, false when `timeoutMs` passes first. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.connected) return Promise.resolve(true)
    return new Promise((resolve) => {
      const cancel = this.timers.setTimeout(() => {
        off()
        resolve(false)
      }, timeoutMs)
      const off = this.onConnection((up) => {
        if (!up) return
        cancel()
        off()
        resolve(true)
      })
    })
  }

  /** Stops every timer; nothing is sent or heard afterwards. */
  close(): void {
    this.closed = true
    this.cancelLoss?.()
    this.cancelBeat?.()
    this.connectionListeners.clear()
    this.flowListeners.clear()
  }

  private onFrame(f: Frame): void {
    const now = this.clock.now()
    if (this.checker !== undefined) {
      const verdict = this.checker.check(f)
      if (verdict !== 'ok' && (verdict !== 'unsigned' || this.o.requireSigned !== false)) {
        this.stats.signatureRefused++
        return
      }
    }
    if (f.known) {
      if (f.msgid === MSG.HEARTBEAT) this.onHeartbeat(f, now)
      const t = this.target
      if (t !== undefined && f.sysid === t.sysid && f.compid === t.compid) {
        if (f.msgid === MSG.PARAM_VALUE) {
          const p = readParamValue(f)
          this.paramTypes.set(p.name, p.paramType)
        } else if (f.msgid === MSG.AUTOPILOT_VERSION) this.onCapabilities(readCapabilities(f))
        if (this.flowListeners.size > 0) {
          const e = frameToEvent(f)
          if (e !== undefined) for (const l of [...this.flowListeners]) l(e)
        }
      }
    }
    this.o.dispatch.deliver(f, now)
  }

  private onHeartbeat(f: Frame, now: number): void {
    const hb = readHeartbeat(f)
    if (hb.autopilot === 8 || hb.type === 6 || hb.type === 18) return
    if (this.o.targetSystem !== undefined && f.sysid !== this.o.targetSystem) return
    const t = this.target
    if (t !== undefined && (t.sysid !== f.sysid || t.compid !== f.compid)) {
      if (this.connected) return
    }
    if (t === undefined || t.sysid !== f.sysid || t.compid !== f.compid) {
      this.target = { sysid: f.sysid, compid: f.compid, autopilot: hb.autopilot, type: hb.type }
      this.encoding = hb.autopilot === 12 ? 'bytewise' : 'c-cast'
      this.encodingSource = 'heartbeat'
    }
    this.lastHeartbeatAt = now
    if (!this.connected) this.connect()
    this.armLossCheck()
  }

  private connect(): void {
    this.connected = true
    this.stats.connects++
    this.o.log?.info(
      { target: this.target },
      `MAVLink autopilot ${this.target!.sysid}/${this.target!.compid} connected`,
    )
    this.cancelBeat?.()
    this.beat()
    // MAV_CMD_REQUEST_MESSAGE(AUTOPILOT_VERSION), once: the capabilities say how integers travel.
    this.sendPayload(
      MSG.COMMAND_LONG,
      commandLongPayload({
        targetSystem: this.target!.sysid,
        targetComponent: this.target!.compid,
        command: 512,
        confirmation: 0,
        params: [MSG.AUTOPILOT_VERSION, 0, 0, 0, 0, 0, 0],
      }),
    )
    for (const l of [...this.connectionListeners]) l(true)
  }

  private onCapabilities(caps: bigint): void {
    if ((caps & CAPABILITY.PARAM_ENCODE_BYTEWISE) !== 0n) this.encoding = 'bytewise'
    else if ((caps & CAPABILITY.PARAM_ENCODE_C_CAST) !== 0n) this.encoding = 'c-cast'
    else return
    this.encodingSource = 'autopilot_version'
  }

  private armLossCheck(): void {
    if (this.cancelLoss !== undefined) return
    const timeout = this.o.heartbeatTimeoutMs ?? 3000
    const wait = Math.max(1, (this.lastHeartbeatAt ?? 0) + timeout - this.clock.now())
    this.cancelLoss = this.timers.setTimeout(() => {
      this.cancelLoss = undefined
      if (this.clock.now() - (this.lastHeartbeatAt ?? 0) >= timeout) this.lose()
      else this.armLossCheck()
    }, wait)
  }

  private lose(): void {
    if (!this.connected) return
    this.connected = false
    this.stats.losses++
    this.o.log?.warn({ target: this.target }, 'MAVLink autopilot heartbeat lost')
    this.cancelBeat?.()
    this.cancelBeat = undefined
    if (this.o.announce) this.scheduleBeat()
    for (const l of [...this.connectionListeners]) l(false)
  }

  private beat(): void {
    if (this.closed) return
    this.sendPayload(
      MSG.HEARTBEAT,
      heartbeatPayload({ type: 6, autopilot: 8, baseMode: 0, customMode: 0, systemStatus: 4 }),
    )
    this.scheduleBeat()
  }

  private scheduleBeat(): void {
    const hz = this.connected ? (this.o.heartbeatHz ?? 5) : 1
    this.cancelBeat = this.timers.setTimeout(() => this.beat(), 1000 / hz)
  }
}
