/**
 * The parameter half of the MAVLink benchmark: bulk set of every writable parameter of the
 * ArduPlane capture (1051 of 1053; two are read-only) and read-all of the 1053, over a grid of
 * loss (each way), round trip and serial rate, on the virtual clock (times are simulated seconds,
 * exact and repeatable from the seed; CPU load does not change them). Ours is the XState flow with
 * an adaptive window (8 growing to 64) and a resend interval of 3× the measured round trip;
 * beside it the two baselines of `mavlinkBaselines.ts`, and T*, the physical limit of
 * reference/mavlink.md §4.
 */
import { vtolParams } from '../../actors/mavlink/sim/paramTable.ts'
import { createSimulatedLink, type SimulatedLink } from '../../actors/mavlink/sim/simulatedLink.ts'
import type { ParamSetReport } from '../../machines/paramSet.machine.ts'
import { VirtualClock } from '../../runtime/kernel/index.ts'
import { type BaselineResult, type BenchParam, baselineGetAll, baselineSet } from './mavlinkBaselines.ts'

/** One cell of the grid. */
export interface Cell {
  /** Loss each way, 0..1. */
  readonly loss: number
  readonly rttMs: number
  /** Serial rate, bit/s; undefined = unlimited. */
  readonly baud: number | undefined
}

const S_SET = 35
const S_VALUE = 37
const S_READ = 16

/**
 * T* of reference/mavlink.md §4: `T_bw + RTT·(1 + ln N / −ln(1−q))`, with
 * `T_bw = max(A·s_u/B, A·(1−p)·s_d/B)`, `A = N/q`, `q = (1−p)²`.
 */
export function tStar(n: number, c: Cell, sUp = S_SET): number {
  const q = (1 - c.loss) ** 2
  const a = n / q
  const b = c.baud === undefined ? Number.POSITIVE_INFINITY : c.baud / 10
  const tbw = Math.max((a * sUp) / b, (a * (1 - c.loss) * S_VALUE) / b)
  const tail = c.loss > 0 ? Math.log(n) / -Math.log(1 - q) : 0
  return tbw + (c.rttMs / 1000) * (1 + tail)
}

/** The §4 estimate for a QGC-like client (W = 10, T_o = 1 s): the deadline we give ourselves. */
export function deadline(n: number, c: Cell): number {
  const q = (1 - c.loss) ** 2
  const a = n / q
  const rtt = c.rttMs / 1000
  const b = c.baud === undefined ? Number.POSITIVE_INFINITY : c.baud / 10
  const tbw = Math.max((a * S_SET) / b, (a * (1 - c.loss) * S_VALUE) / b)
  const twin = (a * (q * rtt + (1 - q) * 1)) / 10
  const tail = c.loss > 0 ? (1 * Math.log(n)) / -Math.log(1 - q) : 0
  return Math.max(20, Math.max(tbw, twin) + rtt + tail)
}

/** Read-all T*: the autopilot's list stream (30% of the rate, 5 per 10 ms tick) plus T* of repairing the lost share. */
export function tStarGet(n: number, c: Cell): number {
  const stream = c.baud === undefined ? n / 500 : (n * S_VALUE) / (0.3 * (c.baud / 10))
  const lost = n * c.loss
  return stream + (lost >= 1 ? tStar(lost, c, S_READ) : 0)
}

function simulate(c: Cell, seed: number): { sim: SimulatedLink; clock: VirtualClock } {
  const clock = new VirtualClock()
  const dir = { loss: c.loss, latencyMs: c.rttMs / 2, ...(c.baud === undefined ? {} : { baud: c.baud }) }
  const sim = createSimulatedLink({
    clock,
    seed,
    up: dir,
    down: dir,
    vehicle: c.baud === undefined ? {} : { bandwidthBytesPerSec: c.baud / 10 },
  })
  // At 30% loss a heartbeat can be lost: wait for the first one that gets through.
  while (!sim.session.connected && clock.now() < 60_000) clock.advance(100)
  return { sim, clock }
}

async function runOn<T>(clock: VirtualClock, p: Promise<T>, limitMs: number): Promise<T | undefined> {
  let out: { v: T } | undefined
  p.then((v) => {
    out = { v }
  })
  const end = clock.now() + limitMs
  while (out === undefined && clock.now() < end) {
    clock.advance(20)
    await Promise.resolve()
    await Promise.resolve()
  }
  return out?.v
}

/** The parameters of the set: each writable parameter to its own value (as a re-upload does). */
export function benchParams(n: number): BenchParam[] {
  return vtolParams()
    .filter((p) => p.name !== 'FORMAT_VERSION' && p.name !== 'STAT_BOOTCNT')
    .slice(0, n)
    .map((p) => ({ name: p.name, bits: p.bits, paramType: p.type }))
}

/** One algorithm's figures in one cell. */
export interface Run {
  readonly seconds: number
  readonly done: number
  readonly perParam: number
}

const BASELINE_LIMIT_MS = 3_600_000

function fromBaseline(r: BaselineResult | undefined, n: number): Run {
  return r === undefined
    ? { seconds: Number.POSITIVE_INFINITY, done: 0, perParam: 0 }
    : { seconds: r.elapsedMs / 1000, done: r.done, perParam: r.transmissions / n }
}

/** Bulk set in one cell: ours and the two baselines, each on a fresh simulated link. */
export async function setCell(
  c: Cell,
  params: readonly BenchParam[],
  seed: number,
): Promise<Record<string, Run>> {
  const n = params.length
  const spec = Object.fromEntries(
    params.map((p) => [p.name, [new Float32Array(new Uint32Array([p.bits]).buffer)[0], p.paramType]]),
  )
  const out: Record<string, Run> = {}
  {
    const { sim, clock } = simulate(c, seed)
    const d = deadline(n, c)
    const r = await runOn(
      clock,
      sim.ops.setParamsBulk(spec, {
        timeoutTotal: d,
        maxRetries: 1_000_000,
        adaptiveWindow: 64,
      }) as Promise<ParamSetReport>,
      d * 1000 + 10_000,
    )
    const confirmed =
      r === undefined ? 0 : Object.values(r.results).filter((x) => x.status === 'confirmed').length
    out.ours = {
      seconds: (r?.elapsedMs ?? Number.POSITIVE_INFINITY) / 1000,
      done: confirmed,
      perParam: (r?.transmissions ?? 0) / n,
    }
    sim.close()
  }
  for (const [name, w, check] of [
    ['stop-and-wait', { window: 1, resendMs: 1000, tries: 3 }, false],
    ['fixed window', { window: 10, resendMs: 1000, tries: 3 }, true],
  ] as const) {
    const { sim, clock } = simulate(c, seed)
    out[name] = fromBaseline(
      await runOn(clock, baselineSet(sim.session, clock, params, w, check), BASELINE_LIMIT_MS),
      n,
    )
    sim.close()
  }
  return out
}

/** Read-all in one cell: ours and the two baselines. */
export async function getCell(c: Cell, seed: number): Promise<Record<string, Run>> {
  const out: Record<string, Run> = {}
  {
    const { sim, clock } = simulate(c, seed)
    const d = Math.max(60, 4 * tStarGet(1053, c))
    const r = await runOn(
      clock,
      sim.ops.getAllParamsReport({ timeoutTotal: d, repairRetries: 1_000 }),
      d * 1000 + 10_000,
    )
    out.ours = {
      seconds: (r?.elapsedMs ?? Number.POSITIVE_INFINITY) / 1000,
      done: r === undefined ? 0 : Object.keys(r.params).length,
      perParam: (r?.transmissions ?? 0) / 1053,
    }
    sim.close()
  }
  for (const [name, w] of [
    ['stop-and-wait', { window: 1, resendMs: 1000, tries: 3 }],
    ['fixed window', { window: 10, resendMs: 1000, tries: 5 }],
  ] as const) {
    const { sim, clock } = simulate(c, seed)
    out[name] = fromBaseline(
      await runOn(clock, baselineGetAll(sim.session, clock, w), BASELINE_LIMIT_MS),
      1053,
    )
    sim.close()
  }
  return out
}
