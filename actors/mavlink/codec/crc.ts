/**
 * The MAVLink checksum: CRC-16/MCRF4XX (X.25 polynomial 0x1021 reflected, seed 0xFFFF), over the
 * frame from the byte after STX to the end of the payload, then the message's `crc_extra` byte.
 * Table-driven: one lookup per byte, no allocation.
 */

const TABLE = new Uint16Array(256)
for (let i = 0; i < 256; i++) {
  let crc = i
  for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1
  TABLE[i] = crc
}

/**
 * CRC of `bytes[start, end)`, then of `extra` when given (a message's crc_extra).
 *
 * @example
 * const crc = x25Crc(frame, 1, 10 + payloadLength, 220) // PARAM_VALUE
 *
 * @category codec
 */
export function x25Crc(bytes: Uint8Array, start: number, end: number, extra?: number): number {
  let crc = 0xffff
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!
  if (extra !== undefined) crc = (crc >>> 8) ^ TABLE[(crc ^ extra) & 0xff]!
  return crc
}
