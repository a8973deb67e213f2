/**
 * The message dictionary: every message class of node-mavlink's minimal, common, standard and
 * ardupilotmega definitions by id and by name, plus PARAM_ERROR (345), which those definitions
 * predate. `crcExtra(id)` is -1 for an id we cannot check (its frames are passed on raw and
 * counted as unknown). Names are the wire names (`PARAM_VALUE`).
 */
import {
  ardupilotmega,
  common,
  MavLinkData,
  type MavLinkDataConstructor,
  MavLinkPacketField,
  MSG_ID_MAGIC_NUMBER,
  minimal,
  standard,
} from 'node-mavlink'

/**
 * PARAM_ERROR (345, crc_extra 209): a parameter read or write failed. Newer ArduPilot and PX4 send
 * it for unknown names, out-of-range values and denied writes.
 *
 * @category codec
 */
export class ParamError extends MavLinkData {
  static override MSG_ID = 345
  static override MSG_NAME = 'PARAM_ERROR'
  static override PAYLOAD_LENGTH = 21
  static override MAGIC_NUMBER = 209
  static override FIELDS = [
    new MavLinkPacketField('param_index', 'paramIndex', 0, false, 2, 'int16_t', ''),
    new MavLinkPacketField('target_system', 'targetSystem', 2, false, 1, 'uint8_t', ''),
    new MavLinkPacketField('target_component', 'targetComponent', 3, false, 1, 'uint8_t', ''),
    new MavLinkPacketField('param_id', 'paramId', 4, false, 1, 'char[]', '', 16),
    new MavLinkPacketField('error', 'error', 20, false, 1, 'uint8_t', ''),
  ]
  targetSystem = 0
  targetComponent = 0
  paramId = ''
  paramIndex = -1
  error = 0
}

/** A message class of the dictionary. */
export type MessageClass = MavLinkDataConstructor<MavLinkData>

const byId = new Map<number, MessageClass>()
const byName = new Map<string, MessageClass>()
for (const registry of [minimal.REGISTRY, common.REGISTRY, standard.REGISTRY, ardupilotmega.REGISTRY]) {
  for (const clazz of Object.values(registry) as MessageClass[]) {
    byId.set(clazz.MSG_ID, clazz)
    byName.set(clazz.MSG_NAME, clazz)
  }
}
byId.set(ParamError.MSG_ID, ParamError as unknown as MessageClass)
byName.set(ParamError.MSG_NAME, ParamError as unknown as MessageClass)

// crc_extra by id: a flat table for the 16-bit ids (nearly all), a map for the rest.
const CRC_LOW = new Int16Array(65536).fill(-1)
const CRC_HIGH = new Map<number, number>()
function setCrc(id: number, extra: number): void {
  if (id < 65536) CRC_LOW[id] = extra
  else CRC_HIGH.set(id, extra)
}
for (const [id, extra] of Object.entries(MSG_ID_MAGIC_NUMBER)) setCrc(Number(id), extra)
for (const clazz of byId.values()) setCrc(clazz.MSG_ID, clazz.MAGIC_NUMBER)

/** crc_extra of message `id`, or -1 when the id is not in our definitions. */
export function crcExtra(id: number): number {
  return id < 65536 ? CRC_LOW[id]! : (CRC_HIGH.get(id) ?? -1)
}

/** The class of message `id`, if we can decode it. */
export function messageClass(id: number): MessageClass | undefined {
  return byId.get(id)
}

/** The id of a message name (`HEARTBEAT` → 0), if known. */
export function messageId(name: string): number | undefined {
  return byName.get(name)?.MSG_ID
}

/** The wire name of message `id`, if known. */
export function messageName(id: number): string | undefined {
  return byId.get(id)?.MSG_NAME
}

/** MAV_RESULT names, 0..10 (node-mavlink's mappings stop at 9). */
export const MAV_RESULT_NAMES: Readonly<Record<number, string>> = {
  0: 'ACCEPTED',
  1: 'TEMPORARILY_REJECTED',
  2: 'DENIED',
  3: 'UNSUPPORTED',
  4: 'FAILED',
  5: 'IN_PROGRESS',
  6: 'CANCELLED',
  7: 'COMMAND_LONG_ONLY',
  8: 'COMMAND_INT_ONLY',
  9: 'COMMAND_UNSUPPORTED_MAV_FRAME',
  10: 'NOT_IN_CONTROL',
}
