/**
 * Builds frames for one link: MAVLink 2 by default (v1 on request), our own sequence counter per
 * encoder (node-mavlink's `send` shares one global counter), trailing-zero truncation that keeps
 * the first payload byte (the spec; node-mavlink sends an all-zero payload as 0 bytes), and
 * optional signing. Messages come as node-mavlink classes (`encode`) or as raw payloads (`frame`,
 * used by the parameter codecs so values keep their exact bits).
 */
import { MavLinkProtocolV2 } from 'node-mavlink'
import { x25Crc } from './crc.ts'
import { HEADER_V1, HEADER_V2, IFLAG_SIGNED } from './Frame.ts'
import { crcExtra, type MessageClass } from './messages.ts'
import type { Signer } from './signing.ts'

/** Options of a {@link FrameEncoder}. */
export interface EncoderOptions {
  readonly sysid: number
  readonly compid: number
  /** Signs every frame (MAVLink 2 only). */
  readonly signer?: Signer
}

const scratch = new MavLinkProtocolV2(0, 0)

/** The MAVLink 2 payload bytes of a node-mavlink message, truncated as the spec says. */
export function payloadOf(message: object): Uint8Array {
  const frame = scratch.serialize(message as never, 0)
  const plen = frame[1]!
  return plen === 0 ? new Uint8Array(1) : new Uint8Array(frame.subarray(HEADER_V2, HEADER_V2 + plen))
}

/**
 * A per-link frame builder.
 *
 * @example
 * const enc = new FrameEncoder({ sysid: 2, compid: 140 })
 * socket.send(enc.encode(heartbeat))
 *
 * @category codec
 */
export class FrameEncoder {
  /** Next sequence number (wraps at 256). */
  seq = 0

  constructor(private readonly options: EncoderOptions) {}

  /** A MAVLink 2 frame carrying a node-mavlink message. */
  encode(message: object): Uint8Array {
    const clazz = message.constructor as MessageClass
    return this.frame(clazz.MSG_ID, payloadOf(message))
  }

  /**
   * A frame for message `msgid` with `payload` (truncated here for v2; padded to the full v1
   * length by the caller for v1). Throws a `RangeError` for an id we cannot checksum.
   */
  frame(
    msgid: number,
    payload: Uint8Array,
    version: 1 | 2 = 2,
    seq?: number,
    sysid?: number,
    compid?: number,
  ): Uint8Array {
    const extra = crcExtra(msgid)
    if (extra < 0)
      throw new RangeError(`message id ${msgid} is not in our definitions; cannot compute its CRC`)
    const s = seq ?? this.nextSeq()
    const sys = sysid ?? this.options.sysid
    const comp = compid ?? this.options.compid
    if (version === 1) {
      if (msgid > 255) throw new RangeError(`message id ${msgid} does not fit MAVLink 1`)
      const out = new Uint8Array(HEADER_V1 + payload.length + 2)
      out[0] = 0xfe
      out[1] = payload.length
      out[2] = s
      out[3] = sys
      out[4] = comp
      out[5] = msgid
      out.set(payload, HEADER_V1)
      const crc = x25Crc(out, 1, HEADER_V1 + payload.length, extra)
      out[HEADER_V1 + payload.length] = crc & 0xff
      out[HEADER_V1 + payload.length + 1] = crc >>> 8
      return out
    }
    let plen = payload.length
    while (plen > 1 && payload[plen - 1] === 0) plen--
    if (plen === 0) plen = 1
    const signer = this.options.signer
    const out = new Uint8Array(HEADER_V2 + plen + 2)
    out[0] = 0xfd
    out[1] = plen
    out[2] = signer === undefined ? 0 : IFLAG_SIGNED
    out[3] = 0
    out[4] = s
    out[5] = sys
    out[6] = comp
    out[7] = msgid & 0xff
    out[8] = (msgid >>> 8) & 0xff
    out[9] = msgid >>> 16
    out.set(payload.subarray(0, Math.min(plen, payload.length)), HEADER_V2)
    const crc = x25Crc(out, 1, HEADER_V2 + plen, extra)
    out[HEADER_V2 + plen] = crc & 0xff
    out[HEADER_V2 + plen + 1] = crc >>> 8
    return signer === undefined ? out : signer.sign(out)
  }

  private nextSeq(): number {
    const s = this.seq
    this.seq = (s + 1) & 0xff
    return s
  }
}
