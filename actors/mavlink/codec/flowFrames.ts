/**
 * The bridge between frames and the protocol machines: the target's PARAM_VALUE, PARAM_ERROR,
 * STATUSTEXT, COMMAND_ACK and HEARTBEAT become machine events, and a machine's `Outgoing`
 * becomes a payload addressed to the target.
 */
import type { MavlinkEvent, Outgoing } from '../../../machines/mavlinkEvents.ts'
import type { Frame } from './Frame.ts'
import {
  commandLongPayload,
  MSG,
  paramRequestListPayload,
  paramRequestReadPayload,
  paramSetPayload,
  readCommandAck,
  readParamError,
  readParamValue,
  readStatusText,
} from './wireMessages.ts'

/** The machine event for a frame, or undefined when machines do not care about it. */
export function frameToEvent(f: Frame): MavlinkEvent | undefined {
  switch (f.msgid) {
    case MSG.PARAM_VALUE:
      return { type: 'PARAM_VALUE', ...readParamValue(f) }
    case MSG.PARAM_ERROR: {
      const e = readParamError(f)
      return { type: 'PARAM_ERROR', name: e.name, index: e.index, error: e.error }
    }
    case MSG.STATUSTEXT:
      return { type: 'STATUSTEXT', ...readStatusText(f) }
    case MSG.COMMAND_ACK: {
      const a = readCommandAck(f)
      return { type: 'COMMAND_ACK', command: a.command, result: a.result, progress: a.progress }
    }
    case MSG.HEARTBEAT:
      return { type: 'HEARTBEAT' }
    default:
      return undefined
  }
}

/** The message id and payload of a machine's request to the target. */
export function outgoingFrame(
  m: Outgoing,
  sysid: number,
  compid: number,
): { msgid: number; payload: Uint8Array } {
  switch (m.kind) {
    case 'PARAM_SET':
      return {
        msgid: MSG.PARAM_SET,
        payload: paramSetPayload({
          targetSystem: sysid,
          targetComponent: compid,
          name: m.name,
          bits: m.bits,
          paramType: m.paramType,
        }),
      }
    case 'PARAM_REQUEST_READ':
      return {
        msgid: MSG.PARAM_REQUEST_READ,
        payload: paramRequestReadPayload(sysid, compid, m.name, m.index),
      }
    case 'PARAM_REQUEST_LIST':
      return { msgid: MSG.PARAM_REQUEST_LIST, payload: paramRequestListPayload(sysid, compid) }
    case 'COMMAND_LONG':
      return {
        msgid: MSG.COMMAND_LONG,
        payload: commandLongPayload({
          targetSystem: sysid,
          targetComponent: compid,
          command: m.command,
          confirmation: m.confirmation,
          params: m.params,
        }),
      }
  }
}
