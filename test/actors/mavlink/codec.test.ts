/**
 * Guards `actors/mavlink/codec/` (issue 3): golden decoding of a real ArduPlane capture, byte-exact
 * re-encoding, hand-computed frames, exact parameter bits, robustness against garbage.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Frame } from '../../../actors/mavlink/codec/Frame.ts'
import { FrameEncoder } from '../../../actors/mavlink/codec/FrameEncoder.ts'
import { FrameParser } from '../../../actors/mavlink/codec/FrameParser.ts'
import { readTlog } from '../../../actors/mavlink/codec/tlog.ts'
import {
  MSG,
  paramSetPayload,
  paramValuePayload,
  readParamSet,
  readParamValue,
} from '../../../actors/mavlink/codec/wireMessages.ts'
import { vtolParams, vtolTlogPath } from '../../../actors/mavlink/sim/paramTable.ts'
import { rebootCommand } from './rebootCommand.ts'

/** An independent, bit-by-bit X.25 CRC (not the table the codec uses). */
function crcBitwise(bytes: number[], extra: number): number {
  let crc = 0xffff
  for (const b of [...bytes, extra]) {
    let tmp = (b ^ (crc & 0xff)) & 0xff
    tmp = (tmp ^ (tmp << 4)) & 0xff
    crc = ((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4)) & 0xffff
  }
  return crc
}

const tlog = readFileSync(vtolTlogPath())

describe('golden: vtol.tlog (a real ArduPlane SITL capture)', () => {
  it('decodes 23,894 frames with 0 CRC errors', () => {
    const { records, crcErrors, skippedBytes } = readTlog(tlog)
    expect(records.length).toBe(23_894)
    expect(crcErrors).toBe(0)
    expect(skippedBytes).toBe(0)
    expect(records.every((r) => r.frame.known && r.frame.version === 1)).toBe(true)
  })

  it('gives a 1053-entry parameter table with the capture types', () => {
    const table = vtolParams()
    expect(table.length).toBe(1053)
    const byType = new Map<number, number>()
    for (const p of table) byType.set(p.type, (byType.get(p.type) ?? 0) + 1)
    expect(Object.fromEntries(byType)).toEqual({ 2: 337, 4: 266, 6: 32, 9: 418 })
  })

  it('splits the same frames from a raw stream fed in odd-sized chunks', () => {
    const { records } = readTlog(tlog)
    const raw = Buffer.concat(records.map((r) => Buffer.from(r.frame.bytes)))
    const parser = new FrameParser()
    let n = 0
    for (let i = 0; i < raw.length; i += 97) parser.push(raw.subarray(i, i + 97), () => n++)
    expect(n).toBe(23_894)
    expect(parser.stats.crcErrors).toBe(0)
  })

  it('re-encodes every PARAM_VALUE byte for byte', () => {
    const { records } = readTlog(tlog)
    const enc = new FrameEncoder({ sysid: 0, compid: 0 })
    const values = records.map((r) => r.frame).filter((f) => f.msgid === MSG.PARAM_VALUE)
    expect(values.length).toBe(1147)
    for (const f of values) {
      const again = enc.frame(
        MSG.PARAM_VALUE,
        paramValuePayload(readParamValue(f)),
        1,
        f.seq,
        f.sysid,
        f.compid,
      )
      expect(Buffer.from(again).equals(Buffer.from(f.bytes))).toBe(true)
    }
  })
})

describe('hand-computed frames', () => {
  it('PARAM_SET SERIAL2_PROTOCOL = 2 (INT8, C-cast) matches byte for byte', () => {
    const enc = new FrameEncoder({ sysid: 255, compid: 190 })
    const frame = enc.frame(
      MSG.PARAM_SET,
      paramSetPayload({
        targetSystem: 1,
        targetComponent: 1,
        name: 'SERIAL2_PROTOCOL',
        bits: 0x40000000,
        paramType: 2,
      }),
    )
    const name = [...'SERIAL2_PROTOCOL'].map((c) => c.charCodeAt(0))
    const header = [0xfd, 23, 0, 0, 0, 255, 190, 23, 0, 0]
    const payload = [0x00, 0x00, 0x00, 0x40, 1, 1, ...name, 2]
    const crc = crcBitwise([...header.slice(1), ...payload], 168)
    expect([...frame]).toEqual([...header, ...payload, crc & 0xff, crc >> 8])
    expect(frame.length).toBe(35)
  })

  it('COMMAND_LONG reboot (246, param1 = 1) matches, truncated to 32 bytes of payload', () => {
    const enc = new FrameEncoder({ sysid: 2, compid: 140 })
    enc.seq = 7
    const frame = enc.frame(MSG.COMMAND_LONG, rebootCommand(1))
    const payload = [0x00, 0x00, 0x80, 0x3f, ...new Array(24).fill(0), 246, 0, 1, 1]
    const header = [0xfd, 32, 0, 0, 7, 2, 140, 76, 0, 0]
    const crc = crcBitwise([...header.slice(1), ...payload], 152)
    expect([...frame]).toEqual([...header, ...payload, crc & 0xff, crc >> 8])
    expect(frame.length).toBe(44)
  })

  it('keeps the first payload byte of an all-zero payload (node-mavlink sends 0 bytes)', () => {
    const enc = new FrameEncoder({ sysid: 2, compid: 140 })
    const frame = enc.frame(MSG.PARAM_REQUEST_LIST, Uint8Array.of(0, 0))
    expect(frame[1]).toBe(1)
    expect(frame.length).toBe(13)
  })

  it('numbers frames with its own sequence, wrapping at 256', () => {
    const a = new FrameEncoder({ sysid: 2, compid: 140 })
    const b = new FrameEncoder({ sysid: 2, compid: 140 })
    a.seq = 255
    expect(a.frame(0, new Uint8Array(9))[4]).toBe(255)
    expect(a.frame(0, new Uint8Array(9))[4]).toBe(0)
    expect(b.frame(0, new Uint8Array(9))[4]).toBe(0)
  })
})

describe('exact parameter bits', () => {
  it('a bytewise INT32 whose bits are a signalling NaN round-trips unchanged', () => {
    const enc = new FrameEncoder({ sysid: 2, compid: 140 })
    for (const bits of [0x7fa00001, 0x7f800001, 0xff800001, 0xffbfffff]) {
      const frame = enc.frame(
        MSG.PARAM_SET,
        paramSetPayload({ targetSystem: 1, targetComponent: 1, name: 'X', bits, paramType: 6 }),
      )
      let got: Frame | undefined
      new FrameParser().push(frame, (f) => {
        got = f
      })
      expect(readParamSet(got!).bits).toBe(bits)
    }
  })
})

describe('PARAM_ERROR (345)', () => {
  it('is in the dictionary: CRC-checked and decodable', async () => {
    const { MavlinkMessage } = await import('../../../actors/mavlink/MavlinkMessage.ts')
    const { paramErrorPayload } = await import('../../../actors/mavlink/codec/wireMessages.ts')
    const frame = new FrameEncoder({ sysid: 1, compid: 1 }).frame(
      MSG.PARAM_ERROR,
      paramErrorPayload({ targetSystem: 2, targetComponent: 140, name: 'NOPE', index: -1, error: 1 }),
    )
    const frames: Frame[] = []
    new FrameParser().push(frame, (f) => frames.push(f))
    expect(frames[0]!.known).toBe(true)
    const m = new MavlinkMessage(frames[0]!, 0)
    expect(m.name).toBe('PARAM_ERROR')
    expect(m.fields).toMatchObject({ paramId: 'NOPE', paramIndex: -1, error: 1, targetSystem: 2 })
  })
})

describe('robustness', () => {
  it('random bytes never throw and yield only CRC-checked or raw frames', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const p = new FrameParser()
        p.push(bytes, (f) => {
          expect(f.length).toBeGreaterThan(0)
        })
        p.push(bytes.subarray(0, 7), () => {})
      }),
      { numRuns: 300 },
    )
  })

  it('truncated frames never throw, and the next frame after garbage is still found', () => {
    const enc = new FrameEncoder({ sysid: 1, compid: 1 })
    const good = enc.frame(
      MSG.PARAM_VALUE,
      paramValuePayload({ name: 'RTL_ALT', bits: 0x44fa0000, paramType: 9, count: 5, index: 3 }),
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: good.length - 1 }), (cut) => {
        const p = new FrameParser()
        const seen: Frame[] = []
        p.push(good.subarray(0, cut), (f) => seen.push(f))
        p.push(good, (f) => seen.push(f))
        expect(seen.some((f) => readParamValue(f).name === 'RTL_ALT')).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('counts CRC errors and passes unknown ids on raw', () => {
    const enc = new FrameEncoder({ sysid: 1, compid: 1 })
    const bad = Uint8Array.from(enc.frame(0, new Uint8Array(9)))
    bad[12] = bad[12]! ^ 0xff
    const unknown = Uint8Array.of(0xfd, 2, 0, 0, 0, 1, 1, 0x39, 0x30, 0x00, 7, 7, 0xaa, 0xbb)
    const p = new FrameParser()
    const frames: Frame[] = []
    p.push(Buffer.concat([bad, unknown]), (f) => frames.push(f))
    expect(p.stats.crcErrors).toBe(1)
    expect(p.stats.unknown).toBe(1)
    expect(frames.map((f) => [f.msgid, f.known])).toEqual([[12345, false]])
  })
})
