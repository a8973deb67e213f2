/**
 * Recognises one frame at a given offset: header sanity, length, CRC with the message's
 * crc_extra. The stream parser and the tlog reader share it. A MAVLink 2 frame with incompatibility
 * flags other than "signed" is refused (the spec says to drop what we cannot understand).
 */
import { x25Crc } from './crc.ts'
import { Frame, HEADER_V1, HEADER_V2, IFLAG_SIGNED, SIGNATURE_LENGTH, STX_V1, STX_V2 } from './Frame.ts'
import { crcExtra } from './messages.ts'

/** Not enough bytes yet for the frame that starts here. */
export const NEED_MORE = -1
/** The CRC did not match (a corrupted frame, or a false start). */
export const BAD_CRC = -2
/** No STX here, or a header no valid frame can have. */
export const NOT_A_FRAME = -3

/**
 * The frame starting at `buf[i]`, or one of {@link NEED_MORE}, {@link BAD_CRC}, {@link NOT_A_FRAME}.
 *
 * @category codec
 */
export function frameAt(buf: Uint8Array, i: number, end: number): Frame | number {
  const stx = buf[i]
  const left = end - i
  if (stx === STX_V2) {
    if (left < HEADER_V2) return NEED_MORE
    const plen = buf[i + 1]!
    const incompat = buf[i + 2]!
    if ((incompat & ~IFLAG_SIGNED) !== 0) return NOT_A_FRAME
    const signed = (incompat & IFLAG_SIGNED) !== 0
    const total = HEADER_V2 + plen + 2 + (signed ? SIGNATURE_LENGTH : 0)
    if (left < total) return NEED_MORE
    const msgid = buf[i + 7]! | (buf[i + 8]! << 8) | (buf[i + 9]! << 16)
    const extra = crcExtra(msgid)
    const crcAt = i + HEADER_V2 + plen
    if (extra >= 0 && x25Crc(buf, i + 1, crcAt, extra) !== (buf[crcAt]! | (buf[crcAt + 1]! << 8)))
      return BAD_CRC
    return new Frame(buf, i, total, 2, buf[i + 4]!, buf[i + 5]!, buf[i + 6]!, msgid, plen, signed, extra >= 0)
  }
  if (stx === STX_V1) {
    if (left < HEADER_V1) return NEED_MORE
    const plen = buf[i + 1]!
    const total = HEADER_V1 + plen + 2
    if (left < total) return NEED_MORE
    const msgid = buf[i + 5]!
    const extra = crcExtra(msgid)
    const crcAt = i + HEADER_V1 + plen
    if (extra >= 0 && x25Crc(buf, i + 1, crcAt, extra) !== (buf[crcAt]! | (buf[crcAt + 1]! << 8)))
      return BAD_CRC
    return new Frame(buf, i, total, 1, buf[i + 2]!, buf[i + 3]!, buf[i + 4]!, msgid, plen, false, extra >= 0)
  }
  return NOT_A_FRAME
}
