/**
 * Reads a telemetry log (`.tlog`, as Mission Planner and MAVProxy write): each record is an 8-byte
 * big-endian timestamp in microseconds, then one frame. Records are walked structurally, so bytes
 * of a timestamp are never mistaken for a start byte. A record that is not a valid frame is counted
 * and the reader resynchronises on the next byte.
 */

import type { Frame } from './Frame.ts'
import { BAD_CRC, frameAt } from './frameAt.ts'

/** One record of a tlog. */
export interface TlogRecord {
  /** Microseconds since the Unix epoch, as logged. */
  readonly timestampUs: bigint
  readonly frame: Frame
}

/** What {@link readTlog} found. */
export interface TlogContents {
  readonly records: TlogRecord[]
  readonly crcErrors: number
  readonly skippedBytes: number
}

/**
 * Every record of a tlog.
 *
 * @example
 * const { records } = readTlog(readFileSync('flight.tlog'))
 *
 * @category codec
 */
export function readTlog(bytes: Uint8Array): TlogContents {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const records: TlogRecord[] = []
  let crcErrors = 0
  let skippedBytes = 0
  let i = 0
  while (i + 8 < bytes.length) {
    const r = frameAt(bytes, i + 8, bytes.length)
    if (typeof r === 'number') {
      if (r === BAD_CRC) crcErrors++
      i++
      skippedBytes++
      continue
    }
    records.push({ timestampUs: view.getBigUint64(i, false), frame: r })
    i += 8 + r.length
  }
  return { records, crcErrors, skippedBytes }
}
