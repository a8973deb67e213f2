/**
 * Guards `machines/paramSet.machine.ts` (issue 3): each rule of its module doc, on the virtual
 * clock, plus the original's defects (reference/original.md §3.2.3) shown fixed.
 */
import { describe, expect, it } from 'vitest'
import type { Outgoing } from '../../machines/mavlinkEvents.ts'
import { type ParamSetReport, paramSetMachine } from '../../machines/paramSet.machine.ts'
import { normalizeParamSpecs } from '../../machines/paramSpec.ts'
import { floatToBits } from '../../machines/paramValue.ts'
import { type Driven, drive, echoOf } from './drive.ts'

const names = (n: number) => Array.from({ length: n }, (_, i) => `P${i}`)
const specs = (n: number) => Object.fromEntries(names(n).map((k, i) => [k, i]))

function setFlow(
  input: unknown,
  options: Record<string, unknown> = {},
  onSend?: (m: Outgoing, d: Driven) => void,
  encoding: 'c-cast' | 'bytewise' = 'c-cast',
) {
  return drive(
    paramSetMachine,
    (now) => ({ params: normalizeParamSpecs(input), encoding, options, now }),
    onSend,
  )
}

/** An autopilot that echoes every PARAM_SET after `rttMs`. */
const echoAfter =
  (rttMs: number) =>
  (m: Outgoing, d: Driven): void => {
    d.clock.setTimeout(() => d.send(echoOf(m)), rttMs)
  }

describe('paramSet machine', () => {
  it('keeps at most maxInFlight PARAM_SETs outstanding, in input order', () => {
    const d = setFlow(specs(20), { maxInFlight: 8 })
    expect(d.sent.map((s) => (s.message as { name: string }).name)).toEqual(names(8))
    d.send(echoOf(d.sent[3]!.message))
    expect(d.sent.length).toBe(9)
    expect((d.sent[8]!.message as { name: string }).name).toBe('P8')
  })

  it('confirms echoes matched by name whatever their index, REAL32 through Math.fround', () => {
    const d = setFlow({ A: 3, B: [0.1, 'REAL32'], C: [16777217, 'REAL32'] }, {}, echoAfter(40))
    d.advance(100)
    const r = d.output<ParamSetReport>().results
    expect(r.A).toMatchObject({ status: 'confirmed', value: 3, index: 65535, attempts: 1 })
    expect(r.B).toMatchObject({ status: 'confirmed', value: Math.fround(0.1), type: 9 })
    // The original's absolute 1e-4 tolerance could never confirm this one (16777217 is not a float32).
    expect(r.C).toMatchObject({ status: 'confirmed', value: 16777216 })
  })

  it('ignores an echo that comes before its first PARAM_SET (someone else’s broadcast)', () => {
    const d = setFlow(specs(10), { maxInFlight: 1 })
    d.send({ type: 'PARAM_VALUE', name: 'P5', bits: floatToBits(5), paramType: 6, count: 10, index: 5 })
    expect(d.sent.length).toBe(1)
    d.send(echoOf(d.sent[0]!.message))
    expect(d.sent.map((s) => (s.message as { name: string }).name)).toEqual(['P0', 'P1'])
  })

  it('never leaks a slot: lost echoes free their slots at the resend interval (the original stalled)', () => {
    // The first 8 echoes are lost; the original's counter then sat at max_in_flight for good.
    let n = 0
    const d = setFlow(specs(12), { maxInFlight: 8, resendInterval: 0.5, maxRetries: 3 }, (m, dd) => {
      if (n++ >= 8) dd.clock.setTimeout(() => dd.send(echoOf(m)), 20)
    })
    d.advance(5_000)
    expect(d.done).toBe(true)
    const r = d.output<ParamSetReport>().results
    expect(Object.values(r).every((x) => x.status === 'confirmed')).toBe(true)
    expect(r.P0!.attempts).toBe(2)
    expect(r.P11!.attempts).toBe(1)
  })

  it('resends at most 1 + maxRetries times, then reports a timeout with the attempts', () => {
    const d = setFlow({ X: 1 }, { maxRetries: 2, resendInterval: 0.5, timeoutTotal: 60 })
    d.advance(10_000)
    expect(d.sent.map((s) => s.at)).toEqual([0, 500, 1000])
    expect(d.output<ParamSetReport>().results.X).toMatchObject({ status: 'timeout', attempts: 3, raw: null })
  })

  it('stops at timeoutTotal with a partial report', () => {
    const d = setFlow({ A: 1, B: 2 }, { timeoutTotal: 2, maxRetries: 50, resendInterval: 0.5 }, (m, dd) => {
      if ((m as { name: string }).name === 'A') dd.send(echoOf(m))
    })
    d.advance(2_000)
    expect(d.done).toBe(true)
    const r = d.output<ParamSetReport>()
    expect(r.results.A!.status).toBe('confirmed')
    expect(r.results.B).toMatchObject({ status: 'timeout', error: 'no echo before the deadline' })
    expect(r.elapsedMs).toBe(2000)
  })

  it('resends at once on a different echo, and reports adjusted when the same value comes back', () => {
    // ArduPilot clamps 300 into an INT8 to 127.
    const d = setFlow({ TRIM: [300, 'INT16'] }, {}, (m, dd) =>
      dd.send(echoOf(m, { bits: floatToBits(127), paramType: 2 })),
    )
    expect(d.sent.length).toBe(2)
    expect(d.done).toBe(true)
    expect(d.output<ParamSetReport>().results.TRIM).toMatchObject({
      status: 'adjusted',
      value: 127,
      type: 2,
      attempts: 2,
    })
  })

  it('rejects at once on PARAM_ERROR', () => {
    const d = setFlow({ NOPE: 1 }, {}, (m, dd) =>
      dd.send({ type: 'PARAM_ERROR', name: (m as { name: string }).name, index: -1, error: 1 }),
    )
    expect(d.done).toBe(true)
    expect(d.output<ParamSetReport>().results.NOPE).toMatchObject({
      status: 'rejected',
      error: 'DOES_NOT_EXIST',
      attempts: 1,
    })
  })

  it('rejects at once an echo of the old value after "Param write denied", in either order', () => {
    const old = { bits: floatToBits(13), paramType: 4 }
    const a = setFlow({ FORMAT_VERSION: 14 }, {}, (m, dd) => {
      dd.send({ type: 'STATUSTEXT', text: 'Param write denied (FORMAT_VERSION)', severity: 4 })
      dd.send(echoOf(m, old))
    })
    expect(a.output<ParamSetReport>().results.FORMAT_VERSION).toMatchObject({
      status: 'rejected',
      value: 13,
      attempts: 1,
    })
    const b = setFlow({ FORMAT_VERSION: 14 }, {}, (m, dd) => {
      dd.send(echoOf(m, old))
      dd.send({ type: 'STATUSTEXT', text: 'Param write denied (FORMAT_VERSION)', severity: 4 })
    })
    expect(b.done).toBe(true)
    expect(b.output<ParamSetReport>().results.FORMAT_VERSION!.status).toBe('rejected')
  })

  it('rejects at once on a PX4 "unknown param" STATUSTEXT', () => {
    const d = setFlow({ NOPE: 1 }, {}, (_m, dd) =>
      dd.send({ type: 'STATUSTEXT', text: '[pm] unknown param: NOPE', severity: 6 }),
    )
    expect(d.output<ParamSetReport>().results.NOPE).toMatchObject({ status: 'rejected' })
  })

  it('adapts the resend interval to about 3x the measured round trip', () => {
    const d = setFlow(specs(30), { resendInterval: 0.8, maxInFlight: 4 }, echoAfter(200))
    d.advance(5_000)
    const r = d.output<ParamSetReport>()
    expect(r.rttMs).toBe(200)
    expect(r.resendMs).toBe(600)
  })

  it('encodes integers C-cast for ArduPilot and bytewise for PX4', () => {
    const c = setFlow({ X: [-1, 'INT8'] })
    const b = setFlow({ X: [-1, 'INT8'] }, {}, undefined, 'bytewise')
    expect((c.sent[0]!.message as { bits: number }).bits).toBe(0xbf800000)
    expect((b.sent[0]!.message as { bits: number }).bits).toBe(0xff)
  })

  it('verifies bytewise echoes by their decoded integer', () => {
    const d = setFlow({ X: [-1, 'INT8'] }, {}, (m, dd) => dd.send(echoOf(m, { index: 7 })), 'bytewise')
    expect(d.output<ParamSetReport>().results.X).toMatchObject({
      status: 'confirmed',
      value: -1,
      bits: 0xff,
      index: 7,
    })
  })

  it('with verifyAckValue off, any echo confirms (the original’s option)', () => {
    const d = setFlow({ X: 5 }, { verifyAckValue: false }, (m, dd) =>
      dd.send(echoOf(m, { bits: floatToBits(4) })),
    )
    expect(d.output<ParamSetReport>().results.X).toMatchObject({ status: 'confirmed', value: 4 })
  })

  it('CANCEL ends every open parameter at once', () => {
    const d = setFlow({ A: 1, B: 2 })
    d.send({ type: 'CANCEL', reason: 'operator' })
    expect(d.done).toBe(true)
    expect(d.output<ParamSetReport>().results.A).toMatchObject({
      status: 'timeout',
      error: 'cancelled: operator',
    })
  })

  it('reports every parameter by name, in input order, when echoes come at once', () => {
    const d = setFlow(specs(3), {}, (m, dd) => dd.send(echoOf(m)))
    expect(d.done).toBe(true)
    expect(Object.keys(d.output<ParamSetReport>().results)).toEqual(names(3))
  })
})
