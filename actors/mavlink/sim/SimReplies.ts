/**
 * What the simulated vehicle says back (rules in `SimVehicle.ts`): heartbeats, set echoes,
 * queued read replies, the paced list stream, command ACKs, AUTOPILOT_VERSION. It owns the 10 ms
 * tick, which runs only while a read is queued or a list is streaming.
 */
import { PARAM_TYPES } from '../../../machines/paramValue.ts'
import {
  autopilotVersionPayload,
  CAPABILITY,
  type CommandLongFields,
  commandAckPayload,
  heartbeatPayload,
  MSG,
  paramErrorPayload,
  paramValuePayload,
  statusTextPayload,
} from '../codec/wireMessages.ts'
import type { SimParam } from './SimParamStore.ts'
import type { PortState, SimVehicle } from './SimVehicle.ts'

const READ_QUEUE = 20
const REPLIES_PER_TICK = 5
const PARAM_VALUE_BYTES = 37
const MAV_SEVERITY_WARNING = 4
const MAV_SEVERITY_INFO = 6

interface QueuedRead {
  readonly port: PortState
  readonly name: string
  readonly index: number
}

/** @internal */
export class SimReplies {
  private readonly reads: QueuedRead[] = []
  private tickTimer: unknown = undefined

  constructor(private readonly v: SimVehicle) {}

  heartbeat(): void {
    this.v.emit(
      MSG.HEARTBEAT,
      heartbeatPayload({
        type: 1,
        autopilot: this.v.autopilot === 'px4' ? 12 : 3,
        baseMode: (this.v.armed ? 128 : 0) | 1,
        customMode: 0,
        systemStatus: this.v.armed ? 4 : 3,
      }),
    )
  }

  private value(p: SimParam, index: number, to?: PortState): void {
    this.v.emit(
      MSG.PARAM_VALUE,
      paramValuePayload({ name: p.name, bits: p.bits, paramType: p.type, count: this.v.params.count, index }),
      to,
    )
  }

  private paramError(port: PortState, name: string, index: number, error: number): void {
    this.v.emit(
      MSG.PARAM_ERROR,
      paramErrorPayload({ targetSystem: 0, targetComponent: 0, name, index, error }),
      port,
    )
  }

  private text(severity: number, text: string, to?: PortState): void {
    this.v.emit(MSG.STATUSTEXT, statusTextPayload(severity, text), to)
  }

  paramSet(port: PortState, name: string, bits: number): void {
    const out = this.v.params.set(name, bits)
    const px4 = this.v.autopilot === 'px4'
    switch (out.kind) {
      case 'unknown':
        if (px4) this.text(MAV_SEVERITY_INFO, `[pm] unknown param: ${name}`, port)
        else if (this.v.o.paramErrors) this.paramError(port, name, -1, 1)
        return
      case 'invalid':
        if (this.v.o.paramErrors) this.paramError(port, name, -1, 2)
        return
      case 'read-only':
        this.text(MAV_SEVERITY_WARNING, `Param write denied (${name})`, port)
        this.value(out.param, px4 ? out.param.index : 65535)
        if (this.v.o.paramErrors) this.paramError(port, name, -1, 3)
        return
      case 'ok':
        this.value(out.param, px4 ? out.param.index : 65535)
    }
  }

  queueRead(port: PortState, name: string, index: number): void {
    if (this.reads.length >= READ_QUEUE) return
    this.reads.push({ port, name, index })
    this.schedule()
  }

  startList(port: PortState): void {
    port.streamNext = 0
    port.streamBudget = 0
    this.schedule()
  }

  command(port: PortState, c: CommandLongFields, fromSys: number, fromComp: number): void {
    const ack = (result: number): void =>
      this.v.emit(
        MSG.COMMAND_ACK,
        commandAckPayload({
          command: c.command,
          result,
          progress: 0,
          targetSystem: fromSys,
          targetComponent: fromComp,
        }),
        port,
      )
    if (c.command === 246) {
      const action = c.params[0]
      if (action !== 1 && action !== 3) {
        ack(3)
        return
      }
      if (this.v.armed) {
        ack(4)
        return
      }
      ack(0)
      this.v.o.clock.setTimeout(() => this.v.reboot(), 200)
      return
    }
    if (c.command === 512 && c.params[0] === MSG.AUTOPILOT_VERSION) {
      ack(0)
      // ArduPilot sets neither encoding bit; PX4 sets BYTEWISE. 0x4 is MISSION_FLOAT.
      const caps = this.v.autopilot === 'px4' ? CAPABILITY.PARAM_ENCODE_BYTEWISE | 0x4n : 0x4n
      this.v.emit(MSG.AUTOPILOT_VERSION, autopilotVersionPayload(caps, 0x04050000), port)
      return
    }
    ack(3)
  }

  /** Forgets queued work (a reboot). */
  reset(): void {
    this.reads.length = 0
    for (const p of this.v.ports) p.streamNext = -1
    this.stop()
  }

  stop(): void {
    if (this.tickTimer !== undefined) this.v.o.clock.clearTimeout(this.tickTimer)
    this.tickTimer = undefined
  }

  private busy(): boolean {
    if (this.reads.length > 0) return true
    for (const p of this.v.ports) if (p.streamNext >= 0) return true
    return false
  }

  private schedule(): void {
    if (this.tickTimer !== undefined || !this.busy()) return
    this.tickTimer = this.v.o.clock.setTimeout(() => {
      this.tickTimer = undefined
      this.tick()
      this.schedule()
    }, this.v.o.tickMs)
  }

  private tick(): void {
    const px4 = this.v.autopilot === 'px4'
    for (let n = 0; n < REPLIES_PER_TICK && this.reads.length > 0; n++) {
      const r = this.reads.shift()!
      const p = r.index >= 0 ? this.v.params.at(r.index) : this.v.params.get(r.name)
      if (p === undefined) {
        if (px4) this.text(MAV_SEVERITY_INFO, `[pm] unknown param: ${r.name}`, r.port)
        else if (this.v.o.paramErrors) this.paramError(r.port, r.name, r.index, 1)
        continue
      }
      this.value(p, px4 ? p.index : r.index < 0 ? 65535 : r.index, r.port)
    }
    const bw = this.v.o.bandwidthBytesPerSec
    for (const port of this.v.ports) {
      if (port.streamNext < 0) continue
      port.streamBudget = Math.min(
        port.streamBudget + (bw === undefined ? Number.POSITIVE_INFINITY : (bw * this.v.o.tickMs) / 3333),
        REPLIES_PER_TICK * PARAM_VALUE_BYTES,
      )
      for (let n = 0; n < REPLIES_PER_TICK && port.streamBudget >= PARAM_VALUE_BYTES; n++) {
        const p = this.v.params.at(port.streamNext)
        if (p === undefined) {
          if (px4) this.hashCheck(port)
          port.streamNext = -1
          break
        }
        this.value(p, p.index, port)
        port.streamBudget -= PARAM_VALUE_BYTES
        port.streamNext++
      }
    }
  }

  private hashCheck(port: PortState): void {
    let h = 0x811c9dc5
    for (let i = 0; i < this.v.params.count; i++) {
      const p = this.v.params.at(i)!
      for (const c of p.name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193)
      h = Math.imul(h ^ p.bits, 0x01000193)
    }
    const hash = { name: '_HASH_CHECK', type: PARAM_TYPES.INT32, bits: h >>> 0, index: -1, readOnly: true }
    this.value(hash, 65535, port)
  }
}
