/**
 * Guards `machines/paramGet.machine.ts` (issue 3): reads by names and of all parameters, on the
 * virtual clock, by hand and against the simulated vehicle behind a lossy link.
 */
import { describe, expect, it } from 'vitest'
import { createSimulatedLink } from '../../actors/mavlink/sim/simulatedLink.ts'
import type { Outgoing } from '../../machines/mavlinkEvents.ts'
import { type ParamGetReport, paramGetMachine } from '../../machines/paramGet.machine.ts'
import { floatToBits } from '../../machines/paramValue.ts'
import { VirtualClock } from '../../runtime/kernel/index.ts'
import { type Driven, drive } from './drive.ts'

const value = (name: string, index: number, count: number) => ({
  type: 'PARAM_VALUE' as const,
  name,
  bits: floatToBits(index),
  paramType: 9,
  count,
  index,
})

function getFlow(
  names: string[] | undefined,
  options: Record<string, unknown>,
  onSend?: (m: Outgoing, d: Driven) => void,
) {
  return drive(
    paramGetMachine,
    (now) => ({ ...(names ? { names } : {}), encoding: 'c-cast' as const, options, now }),
    onSend,
  )
}

/** Runs the virtual clock until `p` settles. */
async function settleOn<T>(clock: VirtualClock, p: Promise<T>, limitMs = 600_000): Promise<T> {
  let out: { v: T } | undefined
  p.then((v) => {
    out = { v }
  })
  const end = clock.now() + limitMs
  while (out === undefined && clock.now() < end) {
    clock.advance(50)
    await Promise.resolve()
  }
  if (out === undefined) throw new Error('did not settle')
  return out.v
}

describe('paramGet machine, by names', () => {
  it('reads by name (index -1), window-limited, and answers with any PARAM_VALUE of that name', () => {
    const d = getFlow(['A', 'B', 'C'], { maxInFlight: 2 })
    expect(d.sent.map((s) => s.message)).toEqual([
      { kind: 'PARAM_REQUEST_READ', name: 'A', index: -1 },
      { kind: 'PARAM_REQUEST_READ', name: 'B', index: -1 },
    ])
    d.send(value('B', 65535, 10))
    expect(d.sent.length).toBe(3)
    d.send(value('A', 65535, 10))
    d.send(value('C', 4, 10))
    expect(d.done).toBe(true)
    expect(Object.keys(d.output<ParamGetReport>().params).sort()).toEqual(['A', 'B', 'C'])
  })

  it('gives a partial result with the missing names at the deadline', () => {
    const d = getFlow(['A', 'GONE'], { timeoutTotal: 3, maxRetries: 100, resendInterval: 0.5 }, (m, dd) => {
      if ((m as { name: string }).name === 'A') dd.send(value('A', 1, 5))
    })
    d.advance(3_000)
    const r = d.output<ParamGetReport>()
    expect(Object.keys(r.params)).toEqual(['A'])
    expect(r.missing).toEqual(['GONE'])
    expect(r.errors.GONE).toBe('no reply before the deadline')
    // A answered at once: the resend interval fell to its 0.3 s floor, so GONE went out 10 times.
    expect(d.sent.filter((s) => (s.message as { name: string }).name === 'GONE').map((s) => s.at)).toEqual([
      0, 300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700,
    ])
  })

  it('gives up on a name after 1 + maxRetries requests', () => {
    const d = getFlow(['GONE'], { maxRetries: 2, resendInterval: 0.5 })
    d.advance(5_000)
    expect(d.sent.length).toBe(3)
    expect(d.output<ParamGetReport>().errors.GONE).toBe('no reply after 3 attempts')
  })

  it('ends a name at once on PARAM_ERROR or a PX4 "unknown param" STATUSTEXT', () => {
    const d = getFlow(['X', 'Y'], {})
    d.send({ type: 'PARAM_ERROR', name: 'X', index: -1, error: 1 })
    d.send({ type: 'STATUSTEXT', text: '[pm] unknown param: Y', severity: 6 })
    expect(d.done).toBe(true)
    expect([...d.output<ParamGetReport>().missing].sort()).toEqual(['X', 'Y'])
  })
})

describe('paramGet machine, all', () => {
  it('sends one PARAM_REQUEST_LIST and finishes as soon as every index came', () => {
    const d = getFlow(undefined, {})
    expect(d.sent).toEqual([{ at: 0, message: { kind: 'PARAM_REQUEST_LIST' } }])
    for (let i = 0; i < 5; i++) d.send(value(`P${i}`, i, 5))
    expect(d.done).toBe(true)
    expect(d.output<ParamGetReport>()).toMatchObject({ count: 5, missingIndices: [], transmissions: 1 })
  })

  it('repairs missing indices by index, at most 10 outstanding, after the stream goes quiet', () => {
    const d = getFlow(undefined, { quietTimeout: 1 })
    for (let i = 0; i < 30; i += 2) d.send(value(`P${i}`, i, 30))
    d.advance(999)
    expect(d.sent.length).toBe(1)
    d.advance(1)
    const reads = d.sent.slice(1).map((s) => s.message)
    expect(reads).toEqual(
      [1, 3, 5, 7, 9, 11, 13, 15, 17, 19].map((index) => ({ kind: 'PARAM_REQUEST_READ', name: '', index })),
    )
    // A hole filled by any PARAM_VALUE (even one we did not ask for yet) counts.
    d.send(value('P29', 29, 30))
    d.send(value('P1', 1, 30))
    expect(d.sent.length).toBe(12)
    for (const i of [3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27]) d.send(value(`P${i}`, i, 30))
    expect(d.done).toBe(true)
    expect(d.output<ParamGetReport>().missingIndices).toEqual([])
  })

  it('re-sends a list nobody answers, listRetries times, then ends empty', () => {
    const d = getFlow(undefined, { listTimeout: 2, listRetries: 2 })
    d.advance(10_000)
    expect(d.sent.map((s) => s.at)).toEqual([0, 2000, 4000])
    expect(d.output<ParamGetReport>()).toMatchObject({ count: undefined, params: {} })
  })

  it('restarts the list when param_count changes, and reports it', () => {
    const d = getFlow(undefined, {})
    d.send(value('P0', 0, 3))
    d.send(value('P1', 1, 4))
    expect(d.sent.filter((s) => s.message.kind === 'PARAM_REQUEST_LIST').length).toBe(2)
    for (let i = 0; i < 4; i++) d.send(value(`P${i}`, i, 4))
    expect(d.output<ParamGetReport>()).toMatchObject({ count: 4, countChanges: 1, missingIndices: [] })
  })

  it('reads all 1053 parameters of the simulated ArduPlane at 30% loss each way', async () => {
    const clock = new VirtualClock()
    const sim = createSimulatedLink({
      clock,
      seed: 11,
      up: { loss: 0.3, latencyMs: 50 },
      down: { loss: 0.3, latencyMs: 50 },
    })
    clock.advance(5_000)
    const r = await settleOn(clock, sim.ops.getAllParamsReport({ timeoutTotal: 120 }))
    expect(r.count).toBe(1053)
    expect(Object.keys(r.params).length).toBe(1053)
    expect(r.missingIndices).toEqual([])
    sim.close()
  })

  it('records PX4’s _HASH_CHECK without counting it', async () => {
    const clock = new VirtualClock()
    const sim = createSimulatedLink({ clock, vehicle: { autopilot: 'px4' } })
    clock.advance(1_500)
    const r = await settleOn(clock, sim.ops.getAllParamsReport())
    expect(r.count).toBe(1053)
    expect(r.params._HASH_CHECK).toBeUndefined()
    sim.close()
  })

  it('sees the count change when ArduPilot adds parameters mid-list', async () => {
    const clock = new VirtualClock()
    const sim = createSimulatedLink({ clock })
    clock.advance(1_500)
    const p = sim.ops.getAllParamsReport()
    clock.advance(500)
    sim.vehicle.params.add([{ name: 'NEW_ENABLE_X', type: 2, bits: floatToBits(1) }])
    const r = await settleOn(clock, p)
    expect(r.count).toBe(1054)
    expect(r.countChanges).toBe(1)
    expect(r.params.NEW_ENABLE_X).toBeDefined()
    expect(r.missingIndices).toEqual([])
    sim.close()
  })
})
