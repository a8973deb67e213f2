/**
 * Faults on the MAVLink link (issue 3), on the virtual clock: the link cut in the middle of a bulk
 * set and restored (the set completes), or never restored (the report names exactly the
 * parameters whose echo never came back, and only those).
 */
import { describe, expect, it } from 'vitest'
import { MSG, readParamValue } from '../../actors/mavlink/codec/wireMessages.ts'
import { vtolParams } from '../../actors/mavlink/sim/paramTable.ts'
import { createSimulatedLink } from '../../actors/mavlink/sim/simulatedLink.ts'
import type { ParamSetReport } from '../../machines/paramSet.machine.ts'
import { VirtualClock } from '../../runtime/kernel/index.ts'

/** 120 REAL32 parameters of the capture, each to be set to 3.25. */
const specs = Object.fromEntries(
  vtolParams()
    .filter((p) => p.type === 9)
    .slice(0, 120)
    .map((p) => [p.name, 3.25]),
)

function setup(seed: number) {
  const clock = new VirtualClock()
  const link = { latencyMs: 60, baud: 57_600, loss: 0.05 }
  const sim = createSimulatedLink({ clock, seed, up: link, down: link })
  clock.advance(1_500)
  /** Names whose echo reached the ground with the requested value. */
  const echoed = new Set<string>()
  sim.dispatch.add('PARAM_VALUE', (m) => {
    const p = readParamValue(m.frame)
    if (p.name in specs && Math.fround(3.25) === new Float32Array(new Uint32Array([p.bits]).buffer)[0])
      echoed.add(p.name)
  })
  return { clock, sim, echoed }
}

async function run(clock: VirtualClock, p: Promise<ParamSetReport>): Promise<ParamSetReport> {
  let out: ParamSetReport | undefined
  p.then((r) => {
    out = r
  })
  for (let i = 0; i < 100_000 && out === undefined; i++) {
    clock.advance(20)
    await Promise.resolve()
  }
  return out!
}

describe('link cut during a bulk set', () => {
  it('completes when the link comes back before the deadline', async () => {
    const { clock, sim } = setup(21)
    const p = sim.ops.setParamsBulk(specs, { timeoutTotal: 60, maxRetries: 100 })
    clock.advance(1_500)
    sim.link.cut(true)
    clock.advance(8_000)
    expect(sim.session.connected).toBe(false)
    sim.link.cut(false)
    const r = await run(clock, p)
    expect(Object.values(r.results).every((x) => x.status === 'confirmed')).toBe(true)
    clock.advance(1_100)
    expect(sim.session.connected).toBe(true)
    for (const name of Object.keys(specs)) expect(sim.vehicle.params.get(name)!.bits).toBe(0x40500000)
    sim.close()
  })

  it('reports exactly the parameters whose echo never came back when the link stays down', async () => {
    const { clock, sim, echoed } = setup(22)
    const p = sim.ops.setParamsBulk(specs, { timeoutTotal: 20, maxRetries: 100 })
    clock.advance(2_000)
    sim.link.cut(true)
    const r = await run(clock, p)
    const confirmed = Object.keys(r.results).filter((n) => r.results[n]!.status === 'confirmed')
    const timedOut = Object.keys(r.results).filter((n) => r.results[n]!.status === 'timeout')
    expect(confirmed.length).toBeGreaterThan(0)
    expect(timedOut.length).toBeGreaterThan(0)
    expect(confirmed.length + timedOut.length).toBe(Object.keys(specs).length)
    expect(new Set(confirmed)).toEqual(echoed)
    expect(sim.vehicle.received.get(MSG.PARAM_SET)).toBeGreaterThan(0)
    sim.close()
  })
})
