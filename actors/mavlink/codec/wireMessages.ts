/**
 * Hand-written payload codecs for the messages the parameter, command and heartbeat flows use
 * every second: PARAM_VALUE, PARAM_SET, PARAM_REQUEST_READ/LIST, PARAM_ERROR, COMMAND_LONG,
 * COMMAND_ACK, HEARTBEAT, STATUSTEXT. They read and write `param_value` as raw uint32 bits (a
 * JS float would quiet signalling-NaN patterns), zero-fill names (16 characters carry no NUL) and
 * read a truncated MAVLink 2 payload as zero-filled. Offsets are the wire order of common.xml.
 */
import type { Frame } from './Frame.ts'

/** Message ids used here. */
export const MSG = {
  HEARTBEAT: 0,
  GLOBAL_POSITION_INT: 33,
  PARAM_REQUEST_READ: 20,
  PARAM_REQUEST_LIST: 21,
  PARAM_VALUE: 22,
  PARAM_SET: 23,
  COMMAND_LONG: 76,
  COMMAND_ACK: 77,
  AUTOPILOT_VERSION: 148,
  STATUSTEXT: 253,
  PARAM_ERROR: 345,
} as const

function u16(f: Frame, i: number): number {
  return f.u8(i) | (f.u8(i + 1) << 8)
}

function u32(f: Frame, i: number): number {
  return (f.u8(i) | (f.u8(i + 1) << 8) | (f.u8(i + 2) << 16) | (f.u8(i + 3) << 24)) >>> 0
}

/** A char[] field: stops at the first NUL, at most `len` bytes, Latin-1. */
function chars(f: Frame, i: number, len: number): string {
  let s = ''
  for (let k = 0; k < len; k++) {
    const c = f.u8(i + k)
    if (c === 0) break
    s += String.fromCharCode(c)
  }
  return s
}

function putChars(out: Uint8Array, at: number, text: string, len: number): void {
  for (let k = 0; k < len && k < text.length; k++) out[at + k] = text.charCodeAt(k) & 0xff
}

function putU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff
  out[at + 1] = (v >>> 8) & 0xff
  out[at + 2] = (v >>> 16) & 0xff
  out[at + 3] = (v >>> 24) & 0xff
}

function putU16(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff
  out[at + 1] = (v >>> 8) & 0xff
}

const f32 = new Float32Array(1)
const u32v = new Uint32Array(f32.buffer)
function floatBits(v: number): number {
  f32[0] = v
  return u32v[0]!
}
function bitsFloat(b: number): number {
  u32v[0] = b
  return f32[0]!
}

/** PARAM_VALUE fields. */
export interface ParamValueFields {
  readonly name: string
  readonly bits: number
  readonly paramType: number
  readonly count: number
  readonly index: number
}

/** Reads a PARAM_VALUE (22). */
export function readParamValue(f: Frame): ParamValueFields {
  return { bits: u32(f, 0), count: u16(f, 4), index: u16(f, 6), name: chars(f, 8, 16), paramType: f.u8(24) }
}

/** A PARAM_VALUE payload (25 bytes). */
export function paramValuePayload(p: ParamValueFields): Uint8Array {
  const out = new Uint8Array(25)
  putU32(out, 0, p.bits)
  putU16(out, 4, p.count)
  putU16(out, 6, p.index)
  putChars(out, 8, p.name, 16)
  out[24] = p.paramType
  return out
}

/** PARAM_SET fields (value as raw bits). */
export interface ParamSetFields {
  readonly targetSystem: number
  readonly targetComponent: number
  readonly name: string
  readonly bits: number
  readonly paramType: number
}

/** A PARAM_SET payload (23 bytes). */
export function paramSetPayload(p: ParamSetFields): Uint8Array {
  const out = new Uint8Array(23)
  putU32(out, 0, p.bits)
  out[4] = p.targetSystem
  out[5] = p.targetComponent
  putChars(out, 6, p.name, 16)
  out[22] = p.paramType
  return out
}

/** Reads a PARAM_SET (23). */
export function readParamSet(f: Frame): ParamSetFields {
  return {
    bits: u32(f, 0),
    targetSystem: f.u8(4),
    targetComponent: f.u8(5),
    name: chars(f, 6, 16),
    paramType: f.u8(22),
  }
}

/** A PARAM_REQUEST_READ payload: by name with index -1, else by index (name empty). */
export function paramRequestReadPayload(
  targetSystem: number,
  targetComponent: number,
  name: string,
  index: number,
): Uint8Array {
  const out = new Uint8Array(20)
  putU16(out, 0, index & 0xffff)
  out[2] = targetSystem
  out[3] = targetComponent
  putChars(out, 4, name, 16)
  return out
}

/** Reads a PARAM_REQUEST_READ (20); `index` is signed (-1 = by name). */
export function readParamRequestRead(f: Frame): {
  targetSystem: number
  targetComponent: number
  name: string
  index: number
} {
  return {
    index: (u16(f, 0) << 16) >> 16,
    targetSystem: f.u8(2),
    targetComponent: f.u8(3),
    name: chars(f, 4, 16),
  }
}

/** A PARAM_REQUEST_LIST payload. */
export function paramRequestListPayload(targetSystem: number, targetComponent: number): Uint8Array {
  return Uint8Array.of(targetSystem, targetComponent)
}

/** PARAM_ERROR fields. */
export interface ParamErrorFields {
  readonly targetSystem: number
  readonly targetComponent: number
  readonly name: string
  readonly index: number
  readonly error: number
}

/** Reads a PARAM_ERROR (345). */
export function readParamError(f: Frame): ParamErrorFields {
  return {
    index: (u16(f, 0) << 16) >> 16,
    targetSystem: f.u8(2),
    targetComponent: f.u8(3),
    name: chars(f, 4, 16),
    error: f.u8(20),
  }
}

/** A PARAM_ERROR payload (21 bytes). */
export function paramErrorPayload(p: ParamErrorFields): Uint8Array {
  const out = new Uint8Array(21)
  putU16(out, 0, p.index & 0xffff)
  out[2] = p.targetSystem
  out[3] = p.targetComponent
  putChars(out, 4, p.name, 16)
  out[20] = p.error
  return out
}

/** COMMAND_LONG fields. */
export interface CommandLongFields {
  readonly targetSystem: number
  readonly targetComponent: number
  readonly command: number
  readonly confirmation: number
  readonly params: readonly number[]
}

/** A COMMAND_LONG payload (33 bytes). */
export function commandLongPayload(c: CommandLongFields): Uint8Array {
  const out = new Uint8Array(33)
  for (let i = 0; i < 7; i++) putU32(out, i * 4, floatBits(c.params[i] ?? 0))
  putU16(out, 28, c.command)
  out[30] = c.targetSystem
  out[31] = c.targetComponent
  out[32] = c.confirmation
  return out
}

/** Reads a COMMAND_LONG (76). */
export function readCommandLong(f: Frame): CommandLongFields {
  const params: number[] = []
  for (let i = 0; i < 7; i++) params.push(bitsFloat(u32(f, i * 4)))
  return {
    params,
    command: u16(f, 28),
    targetSystem: f.u8(30),
    targetComponent: f.u8(31),
    confirmation: f.u8(32),
  }
}

/** COMMAND_ACK fields. */
export interface CommandAckFields {
  readonly command: number
  readonly result: number
  readonly progress: number
  readonly targetSystem: number
  readonly targetComponent: number
}

/** Reads a COMMAND_ACK (77); extension fields absent on the wire read as 0. */
export function readCommandAck(f: Frame): CommandAckFields {
  return {
    command: u16(f, 0),
    result: f.u8(2),
    progress: f.u8(3),
    targetSystem: f.u8(8),
    targetComponent: f.u8(9),
  }
}

/** A COMMAND_ACK payload (10 bytes with extensions). */
export function commandAckPayload(a: CommandAckFields): Uint8Array {
  const out = new Uint8Array(10)
  putU16(out, 0, a.command)
  out[2] = a.result
  out[3] = a.progress
  out[8] = a.targetSystem
  out[9] = a.targetComponent
  return out
}

/** HEARTBEAT fields. */
export interface HeartbeatFields {
  readonly type: number
  readonly autopilot: number
  readonly baseMode: number
  readonly customMode: number
  readonly systemStatus: number
}

/** Reads a HEARTBEAT (0). */
export function readHeartbeat(f: Frame): HeartbeatFields {
  return {
    customMode: u32(f, 0),
    type: f.u8(4),
    autopilot: f.u8(5),
    baseMode: f.u8(6),
    systemStatus: f.u8(7),
  }
}

/** A HEARTBEAT payload (9 bytes, mavlink_version 3). */
export function heartbeatPayload(h: HeartbeatFields): Uint8Array {
  const out = new Uint8Array(9)
  putU32(out, 0, h.customMode)
  out[4] = h.type
  out[5] = h.autopilot
  out[6] = h.baseMode
  out[7] = h.systemStatus
  out[8] = 3
  return out
}

/** Reads a STATUSTEXT (253). */
export function readStatusText(f: Frame): { severity: number; text: string } {
  return { severity: f.u8(0), text: chars(f, 1, 50) }
}

/** A STATUSTEXT payload (54 bytes). */
export function statusTextPayload(severity: number, text: string): Uint8Array {
  const out = new Uint8Array(54)
  out[0] = severity
  putChars(out, 1, text, 50)
  return out
}

/** Reads AUTOPILOT_VERSION.capabilities (148, uint64 at offset 0) as a bigint. */
export function readCapabilities(f: Frame): bigint {
  return (BigInt(u32(f, 4)) << 32n) | BigInt(u32(f, 0))
}

/** MAV_PROTOCOL_CAPABILITY bits that decide the parameter encoding. */
export const CAPABILITY = { PARAM_ENCODE_BYTEWISE: 16n, PARAM_ENCODE_C_CAST: 131072n } as const

/** An AUTOPILOT_VERSION payload (60 bytes): capabilities and flight software version; the rest zero. */
export function autopilotVersionPayload(capabilities: bigint, flightSwVersion: number): Uint8Array {
  const out = new Uint8Array(60)
  putU32(out, 0, Number(capabilities & 0xffffffffn))
  putU32(out, 4, Number(capabilities >> 32n))
  putU32(out, 16, flightSwVersion)
  return out
}

/** GLOBAL_POSITION_INT fields: degrees × 1e7, millimetres, cm/s, centidegrees. */
export interface GlobalPositionFields {
  readonly timeBootMs: number
  readonly lat: number
  readonly lon: number
  readonly alt: number
  readonly relativeAlt: number
  readonly vx: number
  readonly vy: number
  readonly vz: number
  readonly hdg: number
}

/** A GLOBAL_POSITION_INT (33) payload (28 bytes, wire order). */
export function globalPositionIntPayload(p: GlobalPositionFields): Uint8Array {
  const out = new Uint8Array(28)
  putU32(out, 0, p.timeBootMs)
  putU32(out, 4, p.lat)
  putU32(out, 8, p.lon)
  putU32(out, 12, p.alt)
  putU32(out, 16, p.relativeAlt)
  putU16(out, 20, p.vx)
  putU16(out, 22, p.vy)
  putU16(out, 24, p.vz)
  putU16(out, 26, p.hdg)
  return out
}
