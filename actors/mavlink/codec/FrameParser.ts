/**
 * Splits a byte stream (serial, TCP, or UDP datagrams) into frames. Bytes that start no valid
 * frame are skipped one at a time, so a corrupted or false start never swallows the frame after it
 * (node-mavlink 1.0.3's bug). A partial frame at the end of a chunk waits for the next chunk
 * (at most 280 bytes are kept). Frames with ids outside our definitions cannot be checksummed:
 * they are passed on raw and counted when a start byte or the end of the chunk follows them. It
 * never throws on any input.
 */

import type { Frame } from './Frame.ts'
import { BAD_CRC, frameAt, NEED_MORE } from './frameAt.ts'

/** Counters of a {@link FrameParser}. */
export interface ParserStats {
  /** Frames recognised (known and unknown ids). */
  frames: number
  /** Positions where a known id's CRC did not match. */
  crcErrors: number
  /** Frames whose id is not in our definitions (CRC unchecked). */
  unknown: number
  /** Bytes skipped while looking for a frame. */
  skippedBytes: number
}

/**
 * A streaming frame splitter.
 *
 * @example
 * const parser = new FrameParser()
 * socket.on('data', (chunk) => parser.push(chunk, (frame) => dispatch(frame)))
 *
 * @category codec
 */
export class FrameParser {
  readonly stats: ParserStats = { frames: 0, crcErrors: 0, unknown: 0, skippedBytes: 0 }
  private rest: Uint8Array | null = null

  /** Feeds `chunk`; calls `sink` for each complete frame, in order. */
  push(chunk: Uint8Array, sink: (frame: Frame) => void): void {
    let buf = chunk
    if (this.rest !== null) {
      buf = new Uint8Array(this.rest.length + chunk.length)
      buf.set(this.rest, 0)
      buf.set(chunk, this.rest.length)
      this.rest = null
    }
    const end = buf.length
    const stats = this.stats
    let i = 0
    while (i < end) {
      const b = buf[i]
      if (b !== 0xfd && b !== 0xfe) {
        i++
        stats.skippedBytes++
        continue
      }
      const r = frameAt(buf, i, end)
      if (typeof r === 'number') {
        if (r === NEED_MORE) break
        if (r === BAD_CRC) stats.crcErrors++
        i++
        stats.skippedBytes++
        continue
      }
      // An id we cannot checksum is believed only when a start byte (or the end of the chunk)
      // follows it: otherwise a truncated frame would swallow the good frame after it.
      if (!r.known && i + r.length < end && buf[i + r.length] !== 0xfd && buf[i + r.length] !== 0xfe) {
        i++
        stats.skippedBytes++
        continue
      }
      stats.frames++
      if (!r.known) stats.unknown++
      i += r.length
      sink(r)
    }
    // A frame is at most 280 bytes: a longer tail means the STX at its head was false.
    if (i < end) this.rest = buf.slice(i, Math.min(end, i + 280))
  }

  /** Drops a partial frame (after a reconnect, its tail will never come). */
  reset(): void {
    this.rest = null
  }
}
