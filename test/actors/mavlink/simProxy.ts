/**
 * A proxy actor (through `createMavlinkProxy`) wired to the simulated vehicle over an in-process
 * lossy link, everything on one virtual clock. `timersStarted()` counts the timers the proxy's
 * actor system started (the vehicle's own are not counted), so idle behaviour can be checked
 * without measuring time.
 */
import { createMavlinkProxy, type MavlinkProxy } from '../../../actors/mavlink/createMavlinkProxy.ts'
import {
  createLossyLink,
  type DirectionOptions,
  type LossyLink,
} from '../../../actors/mavlink/sim/lossyLink.ts'
import { SimVehicle, type SimVehicleOptions } from '../../../actors/mavlink/sim/SimVehicle.ts'
import { type Clock, VirtualClock } from '../../../runtime/kernel/index.ts'

export interface SimProxy {
  readonly clock: VirtualClock
  readonly proxy: MavlinkProxy
  readonly vehicle: SimVehicle
  readonly link: LossyLink
  /** Timers the proxy's system has started so far. */
  timersStarted(): number
  /** Advances virtual time in steps until `p` settles (or `limitMs` passes). */
  until<T>(p: Promise<T>, limitMs?: number): Promise<T>
  /** Replaces the vehicle by a new one (a simulator restart), optionally with other options. */
  restartVehicle(options?: Omit<SimVehicleOptions, 'clock'>): void
  close(): Promise<void>
}

export async function simProxy(
  options: {
    vehicle?: Omit<SimVehicleOptions, 'clock'>
    up?: DirectionOptions
    down?: DirectionOptions
    seed?: number
    proxy?: { signingKey?: string; heartbeatTimeoutMs?: number }
    /** Start the vehicle at once (default true). */
    startVehicle?: boolean
  } = {},
): Promise<SimProxy> {
  const clock = new VirtualClock()
  let started = 0
  const counted: Clock = {
    now: () => clock.now(),
    setTimeout: (fn, ms) => {
      started++
      return clock.setTimeout(fn, ms)
    },
    clearTimeout: (h) => clock.clearTimeout(h),
  }
  const link = createLossyLink({
    clock,
    seed: options.seed ?? 1,
    up: options.up ?? {},
    down: options.down ?? {},
  })
  let vehicle = new SimVehicle({ clock, ...options.vehicle })
  let port = vehicle.attach((b) => link.vehicle.write(b))
  link.vehicle.onData((b) => port.receive(b))
  if (options.startVehicle !== false) vehicle.start()
  const proxy = await createMavlinkProxy({
    endpoint: { kind: 'link', end: link.ground, name: 'test-link' },
    clock: counted,
    ...options.proxy,
  })
  const until = async <T>(p: Promise<T>, limitMs = 600_000): Promise<T> => {
    let out: { ok: true; v: T } | { ok: false; e: unknown } | undefined
    p.then(
      (v) => {
        out = { ok: true, v }
      },
      (e: unknown) => {
        out = { ok: false, e }
      },
    )
    const end = clock.now() + limitMs
    while (out === undefined && clock.now() < end) await clock.advanceAsync(50)
    if (out === undefined) throw new Error(`did not settle within ${limitMs} virtual ms`)
    if (!out.ok) throw out.e
    return out.v
  }
  return {
    clock,
    proxy,
    get vehicle() {
      return vehicle
    },
    link,
    timersStarted: () => started,
    until,
    restartVehicle(next) {
      vehicle.stop()
      port.detach()
      vehicle = new SimVehicle({ clock, ...options.vehicle, ...next })
      port = vehicle.attach((b) => link.vehicle.write(b))
      vehicle.start()
    },
    close: async () => {
      vehicle.stop()
      const stopped = proxy.close()
      await clock.advanceAsync(10)
      await stopped
    },
  }
}
