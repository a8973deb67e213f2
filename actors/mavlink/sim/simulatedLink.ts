/**
 * A complete simulated setup in one process: a vehicle behind a lossy link, and a session (with
 * its operations) on the ground end, all on one clock. Machine tests, fault tests and the
 * benchmark use it with the virtual clock, so a run over a 300 ms, 57600-baud, 30%-loss link takes
 * milliseconds of CPU and repeats exactly from its seed.
 */
import type { Clock } from '../../../runtime/kernel/index.ts'
import { Dispatch } from '../Dispatch.ts'
import { MavlinkOperations } from '../MavlinkOperations.ts'
import { clockTimers, MavlinkSession, type SessionOptions } from '../MavlinkSession.ts'
import { createLossyLink, type DirectionOptions, type LossyLink } from './lossyLink.ts'
import { SimVehicle, type SimVehicleOptions } from './SimVehicle.ts'

/** Options of {@link createSimulatedLink}. */
export interface SimulatedLinkOptions {
  readonly clock: Clock
  readonly seed?: number
  readonly up?: DirectionOptions
  readonly down?: DirectionOptions
  readonly vehicle?: Omit<SimVehicleOptions, 'clock'>
  readonly session?: Omit<SessionOptions, 'clock' | 'write' | 'dispatch'>
}

/** The parts of a simulated setup. */
export interface SimulatedLink {
  readonly vehicle: SimVehicle
  readonly link: LossyLink
  readonly session: MavlinkSession
  readonly ops: MavlinkOperations
  readonly dispatch: Dispatch
  close(): void
}

/**
 * Builds and starts a simulated setup.
 *
 * @example
 * const sim = createSimulatedLink({ clock, seed: 1, up: { loss: 0.3 }, down: { loss: 0.3 } })
 * clock.advance(1500) // first heartbeat: connected
 * const report = sim.ops.setParamsBulk({ RTL_ALT: 1500 })
 *
 * @category simulation
 */
export function createSimulatedLink(options: SimulatedLinkOptions): SimulatedLink {
  const { clock } = options
  const link = createLossyLink({
    clock,
    seed: options.seed ?? 1,
    up: options.up ?? {},
    down: options.down ?? {},
  })
  const vehicle = new SimVehicle({ clock, ...options.vehicle })
  const port = vehicle.attach((bytes) => link.vehicle.write(bytes))
  link.vehicle.onData((bytes) => port.receive(bytes))
  const dispatch = new Dispatch()
  const timers = clockTimers(clock)
  const session = new MavlinkSession({
    clock,
    timers,
    dispatch,
    write: (bytes) => {
      link.ground.write(bytes)
      return true
    },
    ...options.session,
  })
  link.ground.onData((bytes) => session.receive(bytes))
  const ops = new MavlinkOperations(session, dispatch, timers)
  vehicle.start()
  return {
    vehicle,
    link,
    session,
    ops,
    dispatch,
    close() {
      ops.close()
      session.close()
      vehicle.stop()
      port.detach()
    },
  }
}
