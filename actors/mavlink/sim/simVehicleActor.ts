/**
 * The simulated vehicle as an actor, attached to one end of a link (an in-process lossy link for
 * `petal start --sim`, or a transport for `petal sim`). Its timers stop with the actor.
 */
import type { Behavior } from '../../../runtime/kernel/index.ts'
import type { LinkEnd } from './lossyLink.ts'
import { SimVehicle, type SimVehicleOptions } from './SimVehicle.ts'

/** Messages of the vehicle actor. */
export type SimVehicleMsg = { readonly type: 'arm'; readonly armed: boolean } | { readonly type: 'status' }

/**
 * A behaviour running a {@link SimVehicle} on `end`.
 *
 * @category simulation
 */
export function simVehicleBehavior(
  end: LinkEnd,
  options: Omit<SimVehicleOptions, 'clock'> = {},
): Behavior<SimVehicle, SimVehicleMsg> {
  return {
    init: (ctx) => {
      const vehicle = new SimVehicle({ clock: ctx.clock, ...options })
      const port = vehicle.attach((bytes) => end.write(bytes))
      end.onData(ctx.guard((bytes: Uint8Array) => port.receive(bytes)))
      vehicle.start()
      ctx.onCleanup(() => {
        vehicle.stop()
        port.detach()
      })
      return vehicle
    },
    receive: (vehicle, msg, ctx) => {
      if (msg.type === 'arm') vehicle.armed = msg.armed
      else ctx.reply({ armed: vehicle.armed, reboots: vehicle.reboots, params: vehicle.params.count })
      return vehicle
    },
  }
}
