/**
 * One MAVLink frame as it came off the wire, v1 or v2, signed or not. It points into the bytes it
 * was parsed from (no copy); `bytes` and `payload` are views made on demand. `known` is false when
 * the id is not in our definitions: the CRC could not be checked and the frame is passed on raw.
 */

/** MAVLink 2 start byte. */
export const STX_V2 = 0xfd
/** MAVLink 1 start byte. */
export const STX_V1 = 0xfe
/** MAVLink 2 header length (STX to msgid). */
export const HEADER_V2 = 10
/** MAVLink 1 header length. */
export const HEADER_V1 = 6
/** Signature block length (link id, 48-bit timestamp, 48-bit signature). */
export const SIGNATURE_LENGTH = 13
/** MAVLink 2 incompatibility flag: the frame is signed. */
export const IFLAG_SIGNED = 0x01

/**
 * A parsed frame.
 *
 * @category codec
 */
export class Frame {
  constructor(
    /** The buffer holding the frame. */
    readonly buffer: Uint8Array,
    /** Offset of the STX byte in `buffer`. */
    readonly start: number,
    /** Total frame length, signature included. */
    readonly length: number,
    readonly version: 1 | 2,
    readonly seq: number,
    readonly sysid: number,
    readonly compid: number,
    readonly msgid: number,
    readonly payloadLength: number,
    readonly signed: boolean,
    /** The id is in our definitions and the CRC matched. */
    readonly known: boolean,
  ) {}

  /** Offset of the payload in `buffer`. */
  get payloadStart(): number {
    return this.start + (this.version === 2 ? HEADER_V2 : HEADER_V1)
  }

  /** The whole frame (a view). */
  get bytes(): Uint8Array {
    return this.buffer.subarray(this.start, this.start + this.length)
  }

  /** The payload as sent (a view; MAVLink 2 may have truncated trailing zeros). */
  get payload(): Uint8Array {
    const s = this.payloadStart
    return this.buffer.subarray(s, s + this.payloadLength)
  }

  /** Byte `i` of the payload, 0 past the (truncated) end, as the spec's zero-fill says. */
  u8(i: number): number {
    return i < this.payloadLength ? this.buffer[this.payloadStart + i]! : 0
  }
}
