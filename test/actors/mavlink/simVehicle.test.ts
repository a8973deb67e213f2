/**
 * Guards `actors/mavlink/sim/` (issue 3): the simulated vehicle follows ArduPilot's GCS_Param.cpp
 * and GCS_Common.cpp rule by rule, and PX4's habits, fed frames by hand on the virtual clock.
 */
import { describe, expect, it } from 'vitest'
import type { Frame } from '../../../actors/mavlink/codec/Frame.ts'
import { FrameEncoder } from '../../../actors/mavlink/codec/FrameEncoder.ts'
import { FrameParser } from '../../../actors/mavlink/codec/FrameParser.ts'
import {
  MSG,
  paramRequestListPayload,
  paramRequestReadPayload,
  paramSetPayload,
  readCommandAck,
  readParamError,
  readParamValue,
  readStatusText,
} from '../../../actors/mavlink/codec/wireMessages.ts'
import { SimVehicle, type SimVehicleOptions } from '../../../actors/mavlink/sim/SimVehicle.ts'
import { floatToBits } from '../../../machines/paramValue.ts'
import { VirtualClock } from '../../../runtime/kernel/index.ts'
import { rebootCommand } from './rebootCommand.ts'

function vehicle(options: Omit<SimVehicleOptions, 'clock'> = {}) {
  const clock = new VirtualClock()
  const v = new SimVehicle({ clock, ...options })
  const out: { at: number; f: Frame }[] = []
  const parser = new FrameParser()
  const port = v.attach((b) => parser.push(b, (f) => out.push({ at: clock.now(), f })))
  const gcs = new FrameEncoder({ sysid: 255, compid: 190 })
  v.start()
  return {
    clock,
    v,
    out,
    send: (msgid: number, payload: Uint8Array) => port.receive(gcs.frame(msgid, payload)),
    of: (msgid: number) => out.filter((o) => o.f.msgid === msgid),
  }
}

const set = (name: string, value: number, type = 9) =>
  paramSetPayload({ targetSystem: 1, targetComponent: 1, name, bits: floatToBits(value), paramType: type })

describe('simulated ArduPilot', () => {
  it('echoes a set with index 65535, C-cast, constrained and truncated as set_float does', () => {
    const s = vehicle()
    s.send(MSG.PARAM_SET, set('TRIM_THROTTLE', 300, 2))
    s.send(MSG.PARAM_SET, set('TRIM_THROTTLE', 2.7, 9))
    s.send(MSG.PARAM_SET, set('ARSPD_FBW_MIN', 11.5, 9))
    const echoes = s.of(MSG.PARAM_VALUE).map((o) => readParamValue(o.f))
    expect(
      echoes.map((e) => [
        e.name,
        new Float32Array(new Uint32Array([e.bits]).buffer)[0],
        e.index,
        e.paramType,
      ]),
    ).toEqual([
      ['TRIM_THROTTLE', 127, 65535, 2],
      ['TRIM_THROTTLE', 2, 65535, 2],
      ['ARSPD_FBW_MIN', 11, 65535, 4],
    ])
  })

  it('sends set echoes to every link', () => {
    const s = vehicle()
    let other = 0
    const p2 = s.v.attach(() => other++)
    s.send(MSG.PARAM_SET, set('THR_MAX', 80))
    expect(other).toBe(1)
    p2.detach()
  })

  it('ignores an unknown name, or answers PARAM_ERROR with paramErrors', () => {
    const old = vehicle()
    old.send(MSG.PARAM_SET, set('NOPE', 1))
    expect(old.out.filter((o) => o.f.msgid !== MSG.HEARTBEAT)).toEqual([])
    const newer = vehicle({ paramErrors: true })
    newer.send(MSG.PARAM_SET, set('NOPE', 1))
    expect(readParamError(newer.of(MSG.PARAM_ERROR)[0]!.f)).toMatchObject({ name: 'NOPE', error: 1 })
  })

  it('denies a read-only write with a STATUSTEXT, then echoes the old value', () => {
    const s = vehicle()
    s.send(MSG.PARAM_SET, set('FORMAT_VERSION', 3, 4))
    const said = s.out.filter((o) => o.f.msgid !== MSG.HEARTBEAT).map((o) => o.f.msgid)
    expect(said).toEqual([MSG.STATUSTEXT, MSG.PARAM_VALUE])
    expect(readStatusText(s.of(MSG.STATUSTEXT)[0]!.f).text).toBe('Param write denied (FORMAT_VERSION)')
    expect(readParamValue(s.of(MSG.PARAM_VALUE)[0]!.f).bits).toBe(floatToBits(13))
  })

  it('queues 20 reads (the 21st is dropped) and answers 5 per 10 ms tick, echoing the request index', () => {
    const s = vehicle()
    for (let i = 0; i < 25; i++) s.send(MSG.PARAM_REQUEST_READ, paramRequestReadPayload(1, 1, '', i))
    s.send(MSG.PARAM_REQUEST_READ, paramRequestReadPayload(1, 1, 'THR_MAX', -1))
    s.clock.advance(100)
    const replies = s.of(MSG.PARAM_VALUE)
    expect(replies.length).toBe(20)
    expect(replies.map((r) => r.at).slice(0, 6)).toEqual([10, 10, 10, 10, 10, 20])
    expect(readParamValue(replies[3]!.f).index).toBe(3)
  })

  it('answers a read by name with index 65535, and an unknown name not at all', () => {
    const s = vehicle()
    s.send(MSG.PARAM_REQUEST_READ, paramRequestReadPayload(1, 1, 'THR_MAX', -1))
    s.send(MSG.PARAM_REQUEST_READ, paramRequestReadPayload(1, 1, 'NOPE', -1))
    s.clock.advance(50)
    expect(s.of(MSG.PARAM_VALUE).map((o) => [readParamValue(o.f).name, readParamValue(o.f).index])).toEqual([
      ['THR_MAX', 65535],
    ])
  })

  it('paces the list stream at 30% of the bandwidth, at most 5 per tick', () => {
    const slow = vehicle({ bandwidthBytesPerSec: 5760 })
    slow.send(MSG.PARAM_REQUEST_LIST, paramRequestListPayload(1, 1))
    slow.clock.advance(10_000)
    // 30% of 5760 B/s is 1728 B/s: 46.7 PARAM_VALUEs of 37 bytes a second.
    expect(slow.of(MSG.PARAM_VALUE).length).toBeGreaterThanOrEqual(460)
    expect(slow.of(MSG.PARAM_VALUE).length).toBeLessThanOrEqual(470)
    const fast = vehicle()
    fast.send(MSG.PARAM_REQUEST_LIST, paramRequestListPayload(1, 1))
    fast.clock.advance(1_000)
    expect(fast.of(MSG.PARAM_VALUE).length).toBe(500)
  })

  it('reboots: ACK ACCEPTED, silence, then heartbeats again with sequence numbers from 0; FAILED while armed', () => {
    const s = vehicle({ rebootSilenceMs: 2_000 })
    s.clock.advance(3_500)
    s.send(MSG.COMMAND_LONG, rebootCommand(1))
    expect(readCommandAck(s.of(MSG.COMMAND_ACK)[0]!.f)).toMatchObject({
      command: 246,
      result: 0,
      targetSystem: 255,
      targetComponent: 190,
    })
    s.clock.advance(2_000)
    const during = s.of(MSG.HEARTBEAT).filter((o) => o.at > 3_700 && o.at < 5_700)
    expect(during).toEqual([])
    s.clock.advance(1_000)
    const back = s.of(MSG.HEARTBEAT).find((o) => o.at >= 5_700)!
    expect(back.f.seq).toBe(0)
    expect(s.v.reboots).toBe(1)
    const armed = vehicle({ armed: true })
    armed.send(MSG.COMMAND_LONG, rebootCommand(1))
    armed.send(MSG.COMMAND_LONG, rebootCommand(2))
    expect(armed.of(MSG.COMMAND_ACK).map((o) => readCommandAck(o.f).result)).toEqual([4, 3])
  })
})

describe('simulated PX4', () => {
  it('stores bytes as sent, echoes the real index, and says "unknown param" for a bad name', () => {
    const s = vehicle({ autopilot: 'px4' })
    s.send(
      MSG.PARAM_SET,
      paramSetPayload({
        targetSystem: 1,
        targetComponent: 1,
        name: 'THR_MAX',
        bits: 0x7fa00001,
        paramType: 6,
      }),
    )
    s.send(MSG.PARAM_SET, set('NOPE', 1))
    const echo = readParamValue(s.of(MSG.PARAM_VALUE)[0]!.f)
    expect(echo).toMatchObject({ name: 'THR_MAX', bits: 0x7fa00001, paramType: 6 })
    expect(echo.index).toBe(s.v.params.get('THR_MAX')!.index)
    expect(readStatusText(s.of(MSG.STATUSTEXT)[0]!.f).text).toBe('[pm] unknown param: NOPE')
  })

  it('ends a list with _HASH_CHECK', () => {
    const s = vehicle({ autopilot: 'px4' })
    s.send(MSG.PARAM_REQUEST_LIST, paramRequestListPayload(1, 1))
    s.clock.advance(5_000)
    const values = s.of(MSG.PARAM_VALUE).map((o) => readParamValue(o.f))
    expect(values.length).toBe(1054)
    expect(values.at(-1)).toMatchObject({ name: '_HASH_CHECK', index: 65535 })
  })
})

describe('position stream', () => {
  it('sends GLOBAL_POSITION_INT at its interval, on a 50 m circle 20 m up, decodable by node-mavlink', async () => {
    const { common } = await import('node-mavlink')
    const t = vehicle({ positionIntervalMs: 500 })
    t.clock.advance(10_000)
    const frames = t.of(33)
    expect(frames.length).toBe(21)
    const decoded = frames.map(({ f }) => {
      const m = new common.GlobalPositionInt()
      const view = Buffer.alloc(28)
      view.set(f.payload)
      for (const field of common.GlobalPositionInt.FIELDS) {
        ;(m as unknown as Record<string, unknown>)[field.name] = readField(view, field)
      }
      return m
    })
    const home = { lat: 47.397742, lon: 8.545594 }
    for (const m of decoded) {
      const north = (m.lat / 1e7 - home.lat) * 111_111
      const east = (m.lon / 1e7 - home.lon) * 111_111 * Math.cos((home.lat * Math.PI) / 180)
      expect(Math.hypot(north, east)).toBeCloseTo(50, 0)
      expect(m.relativeAlt).toBe(20_000)
      expect(Math.hypot(m.vx, m.vy)).toBeCloseTo(500, -1)
    }
    expect(decoded[1]!.timeBootMs - decoded[0]!.timeBootMs).toBe(500)
    expect(vehicle().of(33)).toEqual([])
  })
})

function readField(view: Buffer, field: { offset: number; type: string }): number {
  switch (field.type) {
    case 'uint32_t':
      return view.readUInt32LE(field.offset)
    case 'int32_t':
      return view.readInt32LE(field.offset)
    case 'int16_t':
      return view.readInt16LE(field.offset)
    default:
      return view.readUInt16LE(field.offset)
  }
}
