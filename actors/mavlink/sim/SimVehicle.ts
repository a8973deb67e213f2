/**
 * The simulated autopilot, behind one or more ports (links). It follows ArduPilot's
 * `GCS_Param.cpp` and `GCS_Common.cpp` rule by rule (reference/mavlink.md §1.4), or PX4's
 * parameter habits:
 * - ArduPilot: C-cast values; set echoes carry index 65535 and go to every port; an unknown name
 *   gets no answer (or PARAM_ERROR with `paramErrors`); a read-only parameter gets a STATUSTEXT
 *   "Param write denied (NAME)" then an echo of its old value; reads wait in a queue of 20 (more are
 *   dropped) and are answered 5 per tick, echoing the request's index; the list stream uses at
 *   most 30% of the port's bandwidth and 5 values per tick.
 * - PX4: bytewise values; echoes and replies carry the real index; `_HASH_CHECK` ends a list; an
 *   unknown name gets a STATUSTEXT "[pm] unknown param: NAME".
 * - Reboot (246): param1 must be 1 or 3 (else UNSUPPORTED), armed gives FAILED, else ACCEPTED,
 *   then after 200 ms the vehicle is silent for `rebootSilenceMs`, then heartbeats return with
 *   sequence numbers starting again at 0. MAV_CMD_REQUEST_MESSAGE(148) answers AUTOPILOT_VERSION.
 * Timers: a heartbeat every second, and a 10 ms tick only while there is work queued.
 */
import type { Clock } from '../../../runtime/kernel/index.ts'
import type { Frame } from '../codec/Frame.ts'
import { FrameEncoder } from '../codec/FrameEncoder.ts'
import { FrameParser } from '../codec/FrameParser.ts'
import {
  type GlobalPositionFields,
  globalPositionIntPayload,
  MSG,
  readCommandLong,
  readParamRequestRead,
  readParamSet,
} from '../codec/wireMessages.ts'
import { type ParamDef, vtolParams } from './paramTable.ts'
import { SimParamStore } from './SimParamStore.ts'
import { SimReplies } from './SimReplies.ts'

/** Options of a {@link SimVehicle}; each has a default. */
export interface SimVehicleOptions {
  readonly clock: Clock
  /** Default `ardupilot`. */
  readonly autopilot?: 'ardupilot' | 'px4'
  /** Default 1 / 1. */
  readonly sysid?: number
  readonly compid?: number
  /** Armed vehicles refuse to reboot (FAILED). Default false. */
  readonly armed?: boolean
  /** Newer ArduPilot: PARAM_ERROR for unknown names, bad values and denied writes. Default false. */
  readonly paramErrors?: boolean
  /** Names that refuse writes. Default `FORMAT_VERSION`, `STAT_BOOTCNT`. */
  readonly readOnly?: readonly string[]
  /** Silence after a reboot, ms. Default 3000. */
  readonly rebootSilenceMs?: number
  /** The port's bandwidth, bytes/s, for the 30% list pacing; undefined = unlimited. */
  readonly bandwidthBytesPerSec?: number
  /** Default 10 ms. */
  readonly tickMs?: number
  /** Default 1000 ms. */
  readonly heartbeatIntervalMs?: number
  /** GLOBAL_POSITION_INT every this many ms (a 50 m circle at 5 m/s); default 0: none. */
  readonly positionIntervalMs?: number
  /** Default: the 1053 parameters of vtol.tlog. */
  readonly params?: readonly ParamDef[]
}

/** A link to the vehicle. */
export interface SimPort {
  /** Bytes from the ground. */
  receive(chunk: Uint8Array): void
  detach(): void
}

/** @internal One attached link. */
export interface PortState {
  readonly send: (bytes: Uint8Array) => void
  readonly parser: FrameParser
  encoder: FrameEncoder
  /** Next index of a list stream, or -1. */
  streamNext: number
  streamBudget: number
}

/**
 * A simulated autopilot.
 *
 * @example
 * const vehicle = new SimVehicle({ clock, autopilot: 'ardupilot' })
 * const port = vehicle.attach((bytes) => link.vehicle.write(bytes))
 * link.vehicle.onData((bytes) => port.receive(bytes))
 * vehicle.start()
 *
 * @category simulation
 */
export class SimVehicle {
  readonly autopilot: 'ardupilot' | 'px4'
  readonly sysid: number
  readonly compid: number
  readonly params: SimParamStore
  armed: boolean
  /** Reboots performed so far. */
  reboots = 0
  /** Frames received, by message id. */
  readonly received = new Map<number, number>()
  /** @internal */
  readonly ports = new Set<PortState>()
  /** @internal */
  readonly o: Required<Omit<SimVehicleOptions, 'bandwidthBytesPerSec' | 'params' | 'readOnly'>> & {
    bandwidthBytesPerSec: number | undefined
  }
  private readonly replies: SimReplies
  private silentUntil = -1
  private hbTimer: unknown = undefined
  private posTimer: unknown = undefined
  private startedAt = 0
  private running = false

  constructor(options: SimVehicleOptions) {
    this.autopilot = options.autopilot ?? 'ardupilot'
    this.sysid = options.sysid ?? 1
    this.compid = options.compid ?? 1
    this.armed = options.armed ?? false
    this.o = {
      clock: options.clock,
      autopilot: this.autopilot,
      sysid: this.sysid,
      compid: this.compid,
      armed: this.armed,
      paramErrors: options.paramErrors ?? false,
      rebootSilenceMs: options.rebootSilenceMs ?? 3000,
      bandwidthBytesPerSec: options.bandwidthBytesPerSec,
      tickMs: options.tickMs ?? 10,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
      positionIntervalMs: options.positionIntervalMs ?? 0,
    }
    const readOnly = new Set(options.readOnly ?? ['FORMAT_VERSION', 'STAT_BOOTCNT'])
    this.params = new SimParamStore(this.autopilot, options.params ?? vtolParams(), readOnly)
    this.replies = new SimReplies(this)
  }

  /** Connects a link; `send` carries the vehicle's frames to the ground. */
  attach(send: (bytes: Uint8Array) => void): SimPort {
    const port: PortState = {
      send,
      parser: new FrameParser(),
      encoder: new FrameEncoder({ sysid: this.sysid, compid: this.compid }),
      streamNext: -1,
      streamBudget: 0,
    }
    this.ports.add(port)
    return {
      receive: (chunk) => {
        if (this.silent()) return
        port.parser.push(chunk, (f) => this.onFrame(port, f))
      },
      detach: () => this.ports.delete(port),
    }
  }

  /** Starts heartbeats (and the position stream, when asked for). */
  start(): void {
    if (this.running) return
    this.running = true
    this.startedAt = this.o.clock.now()
    this.heartbeatLoop()
    if (this.o.positionIntervalMs > 0) this.positionLoop()
  }

  /** Stops every timer. */
  stop(): void {
    this.running = false
    if (this.hbTimer !== undefined) this.o.clock.clearTimeout(this.hbTimer)
    this.hbTimer = undefined
    if (this.posTimer !== undefined) this.o.clock.clearTimeout(this.posTimer)
    this.posTimer = undefined
    this.replies.stop()
  }

  /** True while rebooting (neither hearing nor talking). */
  silent(): boolean {
    return this.silentUntil >= 0 && this.o.clock.now() < this.silentUntil
  }

  /** @internal Sends a frame to one port, or to all. */
  emit(msgid: number, payload: Uint8Array, to?: PortState): void {
    if (this.silent() || !this.running) return
    for (const p of to === undefined ? this.ports : [to]) p.send(p.encoder.frame(msgid, payload))
  }

  private positionLoop(): void {
    if (!this.running) return
    this.emit(
      MSG.GLOBAL_POSITION_INT,
      globalPositionIntPayload(circlePosition(this.o.clock.now() - this.startedAt)),
    )
    this.posTimer = this.o.clock.setTimeout(() => this.positionLoop(), this.o.positionIntervalMs)
  }

  private heartbeatLoop(): void {
    if (!this.running) return
    this.replies.heartbeat()
    this.hbTimer = this.o.clock.setTimeout(() => this.heartbeatLoop(), this.o.heartbeatIntervalMs)
  }

  private onFrame(port: PortState, f: Frame): void {
    this.received.set(f.msgid, (this.received.get(f.msgid) ?? 0) + 1)
    if (!this.running) return
    switch (f.msgid) {
      case MSG.PARAM_SET: {
        const m = readParamSet(f)
        if (this.forUs(m.targetSystem, m.targetComponent)) this.replies.paramSet(port, m.name, m.bits)
        return
      }
      case MSG.PARAM_REQUEST_READ: {
        const m = readParamRequestRead(f)
        if (this.forUs(m.targetSystem, m.targetComponent)) this.replies.queueRead(port, m.name, m.index)
        return
      }
      case MSG.PARAM_REQUEST_LIST:
        if (this.forUs(f.u8(0), f.u8(1))) this.replies.startList(port)
        return
      case MSG.COMMAND_LONG: {
        const c = readCommandLong(f)
        if (this.forUs(c.targetSystem, c.targetComponent)) this.replies.command(port, c, f.sysid, f.compid)
        return
      }
    }
  }

  private forUs(system: number, component: number): boolean {
    return (system === this.sysid || system === 0) && (component === this.compid || component === 0)
  }

  /** @internal Goes silent now and comes back after `rebootSilenceMs`, sequence numbers reset. */
  reboot(): void {
    this.reboots++
    this.silentUntil = this.o.clock.now() + this.o.rebootSilenceMs
    this.replies.reset()
    if (this.hbTimer !== undefined) this.o.clock.clearTimeout(this.hbTimer)
    this.hbTimer = this.o.clock.setTimeout(() => {
      this.silentUntil = -1
      for (const p of this.ports) {
        p.encoder = new FrameEncoder({ sysid: this.sysid, compid: this.compid })
        p.parser.reset()
      }
      this.heartbeatLoop()
    }, this.o.rebootSilenceMs)
  }
}

/** Home of the simulated flight (PX4's default SITL home, Zurich), and its circle. */
const HOME = { lat: 47.397742, lon: 8.545594, altM: 488 }
const RADIUS_M = 50
const SPEED_MS = 5
const ALT_M = 20

/** Where the simulated vehicle is `ms` after it started: on a 50 m circle at 5 m/s, 20 m up. */
export function circlePosition(ms: number): GlobalPositionFields {
  const angle = ((ms / 1000) * SPEED_MS) / RADIUS_M
  const north = RADIUS_M * Math.cos(angle)
  const east = RADIUS_M * Math.sin(angle)
  const lat = HOME.lat + north / 111_111
  const lon = HOME.lon + east / (111_111 * Math.cos((HOME.lat * Math.PI) / 180))
  const vn = -SPEED_MS * Math.sin(angle)
  const ve = SPEED_MS * Math.cos(angle)
  const heading = ((Math.atan2(ve, vn) * 180) / Math.PI + 360) % 360
  return {
    timeBootMs: Math.floor(ms) >>> 0,
    lat: Math.round(lat * 1e7),
    lon: Math.round(lon * 1e7),
    alt: Math.round((HOME.altM + ALT_M) * 1000),
    relativeAlt: ALT_M * 1000,
    vx: Math.round(vn * 100),
    vy: Math.round(ve * 100),
    vz: 0,
    hdg: Math.round(heading * 100) % 36000,
  }
}
