/**
 * The baselines of the MAVLink parameter benchmark, written plainly on the same session, link and
 * simulated vehicle as ours, so only the algorithm differs:
 * - **stop-and-wait** (pymavlink `mavset`, MAVROS): one parameter at a time, 1 s time-out, 3
 *   tries; a set is acknowledged by an echo of its name (pymavlink checks no value).
 * - **fixed window** (QGC, MAVProxy): 10 in flight, each resent after 1 s, 3 tries for a set and 5
 *   for a read; an echo confirms when |Δ| ≤ 1e-5 (MAVProxy's check). Slots are tracked per
 *   parameter (the modern clients do not leak them, unlike the Python original).
 * Reads: PARAM_REQUEST_LIST, then after 1 s without a PARAM_VALUE the missing indices are asked for
 * with the same window and tries (MAVROS one at a time, QGC 10 outstanding).
 */
import type { MavlinkSession } from '../../actors/mavlink/MavlinkSession.ts'
import type { MavlinkEvent, ParamValueEvent } from '../../machines/mavlinkEvents.ts'
import { bitsToFloat } from '../../machines/paramValue.ts'
import type { Clock } from '../../runtime/kernel/index.ts'

/** A parameter to set, as raw wire bits (C-cast). */
export interface BenchParam {
  readonly name: string
  readonly bits: number
  readonly paramType: number
}

/** What a baseline achieved. */
export interface BaselineResult {
  readonly done: number
  readonly transmissions: number
  readonly elapsedMs: number
}

interface Windowed {
  readonly window: number
  readonly resendMs: number
  readonly tries: number
}

/** Runs requests keyed by `keys` with a per-key slot, resend and try budget; resolves when all ended. */
function windowed<K>(
  session: MavlinkSession,
  clock: Clock,
  keys: readonly K[],
  w: Windowed,
  send: (key: K) => void,
  answers: (e: ParamValueEvent) => K | undefined,
): Promise<{ done: Set<K>; transmissions: number }> {
  return new Promise((resolve) => {
    const done = new Set<K>()
    const tries = new Map<K, number>()
    const timers = new Map<K, unknown>()
    let next = 0
    let transmissions = 0
    let ended = 0
    const finish = (k: K): void => {
      const t = timers.get(k)
      if (t !== undefined) clock.clearTimeout(t)
      timers.delete(k)
      ended++
      pump()
    }
    const fire = (k: K): void => {
      tries.set(k, (tries.get(k) ?? 0) + 1)
      transmissions++
      send(k)
      timers.set(
        k,
        clock.setTimeout(() => {
          timers.delete(k)
          if ((tries.get(k) ?? 0) < w.tries) fire(k)
          else finish(k)
        }, w.resendMs),
      )
    }
    const pump = (): void => {
      while (timers.size < w.window && next < keys.length) fire(keys[next++]!)
      if (ended === keys.length) {
        off()
        resolve({ done, transmissions })
      }
    }
    const off = session.addFlowListener((e: MavlinkEvent) => {
      if (e.type !== 'PARAM_VALUE') return
      const k = answers(e)
      if (k === undefined || done.has(k) || !timers.has(k)) return
      done.add(k)
      finish(k)
    })
    pump()
  })
}

/**
 * Bulk set, one at a time (`window: 1, resendMs: 1000, tries: 3`) or windowed (`10, 1000, 3`).
 *
 * @category benchmarks
 */
export async function baselineSet(
  session: MavlinkSession,
  clock: Clock,
  params: readonly BenchParam[],
  w: Windowed,
  checkValue: boolean,
): Promise<BaselineResult> {
  const started = clock.now()
  const byName = new Map(params.map((p) => [p.name, p]))
  const r = await windowed(
    session,
    clock,
    params.map((p) => p.name),
    w,
    (name) => {
      const p = byName.get(name)!
      session.sendOutgoing({ kind: 'PARAM_SET', name, bits: p.bits, paramType: p.paramType })
    },
    (e) => {
      const p = byName.get(e.name)
      if (p === undefined) return undefined
      if (checkValue && Math.abs(bitsToFloat(e.bits) - bitsToFloat(p.bits)) > 1e-5) return undefined
      return e.name
    },
  )
  return { done: r.done.size, transmissions: r.transmissions, elapsedMs: clock.now() - started }
}

/**
 * Read-all: list, 1 s of quiet, then the missing indices with window `w`.
 *
 * @category benchmarks
 */
export function baselineGetAll(session: MavlinkSession, clock: Clock, w: Windowed): Promise<BaselineResult> {
  const started = clock.now()
  const got = new Set<number>()
  let count: number | undefined
  let transmissions = 1
  return new Promise((resolve) => {
    let quiet: unknown
    const off = session.addFlowListener((e) => {
      if (e.type !== 'PARAM_VALUE' || e.index >= e.count) return
      count = e.count
      got.add(e.index)
      if (quiet !== undefined) {
        clock.clearTimeout(quiet)
        quiet = clock.setTimeout(repair, 1000)
      }
    })
    const repair = async (): Promise<void> => {
      quiet = undefined
      if (count === undefined) {
        off()
        resolve({ done: 0, transmissions, elapsedMs: clock.now() - started })
        return
      }
      const missing: number[] = []
      for (let i = 0; i < count; i++) if (!got.has(i)) missing.push(i)
      const r = await windowed(
        session,
        clock,
        missing,
        w,
        (index) => session.sendOutgoing({ kind: 'PARAM_REQUEST_READ', name: '', index }),
        (e) => e.index,
      )
      off()
      transmissions += r.transmissions
      resolve({ done: got.size, transmissions, elapsedMs: clock.now() - started })
    }
    session.sendOutgoing({ kind: 'PARAM_REQUEST_LIST' })
    // Without any answer, the list is repeated as the clients do (up to 3 times, 2 s apart).
    let lists = 1
    const firstWait = (): void => {
      quiet = clock.setTimeout(() => {
        if (count === undefined && lists < 4) {
          lists++
          transmissions++
          session.sendOutgoing({ kind: 'PARAM_REQUEST_LIST' })
          firstWait()
        } else void repair()
      }, 2000)
    }
    firstWait()
  })
}
