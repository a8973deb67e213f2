/**
 * The reboot command the MAVLink suites send by hand: COMMAND_LONG MAV_CMD_PREFLIGHT_REBOOT_SHUTDOWN
 * (246) to system 1, component 1, confirmation 0, with only `param1` set (1 reboots the autopilot,
 * anything but 1 or 3 is refused by the simulated vehicle).
 */
import { commandLongPayload } from '../../../actors/mavlink/codec/wireMessages.ts'

/**
 * The COMMAND_LONG payload of a reboot with `param1`.
 *
 * @example
 * ```ts
 * sim.send(MSG.COMMAND_LONG, rebootCommand(1))
 * ```
 * @category testing
 */
export function rebootCommand(param1: number): Uint8Array {
  return commandLongPayload({
    targetSystem: 1,
    targetComponent: 1,
    command: 246,
    confirmation: 0,
    params: [param1, 0, 0, 0, 0, 0, 0],
  })
}
