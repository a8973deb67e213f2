/**
 * What the protocol machines hear and say, as plain data: decoded MAVLink messages from the
 * target autopilot in, messages to send out. The machines never see bytes or sockets; the proxy
 * (or a test) turns frames into these events and `send` actions into frames. Parameter values
 * travel as raw uint32 bits (see `paramValue.ts`).
 */

/** A PARAM_VALUE from the target. `index` is 65535 when the autopilot gives none (ArduPilot echoes). */
export interface ParamValueEvent {
  readonly type: 'PARAM_VALUE'
  readonly name: string
  readonly bits: number
  readonly paramType: number
  readonly count: number
  readonly index: number
}

/** A PARAM_ERROR (345) from the target. */
export interface ParamErrorEvent {
  readonly type: 'PARAM_ERROR'
  readonly name: string
  readonly index: number
  readonly error: number
}

/** A STATUSTEXT from the target. */
export interface StatusTextEvent {
  readonly type: 'STATUSTEXT'
  readonly text: string
  readonly severity: number
}

/** A COMMAND_ACK from the target. */
export interface CommandAckEvent {
  readonly type: 'COMMAND_ACK'
  readonly command: number
  readonly result: number
  readonly progress: number
}

/** A HEARTBEAT from the target autopilot (never a GCS's). */
export interface HeartbeatEvent {
  readonly type: 'HEARTBEAT'
}

/** Stop now and report what is known. */
export interface CancelEvent {
  readonly type: 'CANCEL'
  readonly reason?: string
}

/** Every event a protocol machine accepts. */
export type MavlinkEvent =
  | ParamValueEvent
  | ParamErrorEvent
  | StatusTextEvent
  | CommandAckEvent
  | HeartbeatEvent
  | CancelEvent

/** A message a machine wants sent to the target (sysid/compid are the proxy's business). */
export type Outgoing =
  | { readonly kind: 'PARAM_SET'; readonly name: string; readonly bits: number; readonly paramType: number }
  | { readonly kind: 'PARAM_REQUEST_READ'; readonly name: string; readonly index: number }
  | { readonly kind: 'PARAM_REQUEST_LIST' }
  | {
      readonly kind: 'COMMAND_LONG'
      readonly command: number
      readonly params: readonly [number, number, number, number, number, number, number]
      readonly confirmation: number
    }

/** Emitted by a machine: send this message. */
export interface SendEmitted {
  readonly type: 'send'
  readonly message: Outgoing
}

/** Emitted by a machine: how far it got (for progress bars). */
export interface ProgressEmitted {
  readonly type: 'progress'
  readonly done: number
  readonly total: number
}

/** What `paramSet` and `paramGet` emit. */
export type FlowEmitted = SendEmitted | ProgressEmitted

/** Reads "Param write denied (NAME)" (ArduPilot) and "unknown param: NAME" (PX4) from a STATUSTEXT. */
export function classifyStatusText(text: string): { kind: 'denied' | 'unknown'; name: string } | undefined {
  const denied = /write denied \(?([\x21-\x7e]{1,16}?)\)?\s*$/i.exec(text)
  if (denied !== null) return { kind: 'denied', name: denied[1]! }
  const unknown = /unknown param(?:eter)?:?\s+([\x21-\x7e]{1,16})/i.exec(text)
  if (unknown !== null) return { kind: 'unknown', name: unknown[1]! }
  return undefined
}

/** PARAM_ERROR codes (MAV_PARAM_ERROR) by value. */
export const PARAM_ERROR_NAMES: Readonly<Record<number, string>> = {
  0: 'NO_ERROR',
  1: 'DOES_NOT_EXIST',
  2: 'VALUE_OUT_OF_RANGE',
  3: 'PERMISSION_DENIED',
  4: 'COMPONENT_NOT_FOUND',
  5: 'READ_ONLY',
  6: 'TYPE_UNSUPPORTED',
  7: 'TYPE_MISMATCH',
  8: 'READ_FAIL',
}
