/**
 * One journal record: a committed unit of work (one statement, or a whole transaction) with what
 * makes its replay deterministic: its sequence number, the clock value SQLite's `'now'` saw, and
 * the seed of `random()`. Framing: `u32 length | u32 crc32(payload) | payload (UTF-8 JSON)`, little
 * endian. A record that is short, fails its CRC, or does not decode is where the valid journal ends.
 */
import { crc32 } from 'node:zlib'
import { decodeValue, encodeValue, type JournalValue, type SqlValue } from '../sqlValues.ts'

/** One statement of a unit of work. */
export interface JournalStatement {
  readonly sql: string
  readonly params: readonly SqlValue[]
}

/** A committed unit of work. */
export interface JournalRecord {
  readonly seq: number
  /** `Date.now()` as the statements saw it. */
  readonly timeMs: number
  /** Seed of the deterministic `random()` / `randomblob()`. */
  readonly seed: number
  readonly statements: readonly JournalStatement[]
}

/** Bytes before the payload. */
export const HEADER_BYTES = 8

/** A record's payload may not exceed this (a larger length field means a torn or corrupt header). */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024

/** Frames a record. */
export function encodeRecord(r: JournalRecord): Buffer {
  const payload = Buffer.from(
    JSON.stringify({
      s: r.seq,
      t: r.timeMs,
      r: r.seed,
      q: r.statements.map((st) => [st.sql, st.params.map(encodeValue)]),
    }),
    'utf8',
  )
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length)
  out.writeUInt32LE(payload.length, 0)
  out.writeUInt32LE(crc32(payload), 4)
  payload.copy(out, HEADER_BYTES)
  return out
}

/** The outcome of reading one record at `offset`. */
export type DecodeResult =
  | { readonly ok: true; readonly record: JournalRecord; readonly next: number }
  | { readonly ok: false; readonly reason: string }

/** Reads the record framed at `offset` of `buf`. */
export function decodeRecord(buf: Buffer, offset: number): DecodeResult {
  if (offset + HEADER_BYTES > buf.length) return { ok: false, reason: 'torn header' }
  const length = buf.readUInt32LE(offset)
  const crc = buf.readUInt32LE(offset + 4)
  if (length > MAX_RECORD_BYTES) return { ok: false, reason: `impossible length ${length}` }
  const end = offset + HEADER_BYTES + length
  if (end > buf.length)
    return { ok: false, reason: `torn payload (${buf.length - offset - HEADER_BYTES} of ${length} bytes)` }
  const payload = buf.subarray(offset + HEADER_BYTES, end)
  if (crc32(payload) !== crc) return { ok: false, reason: 'checksum mismatch' }
  try {
    const raw = JSON.parse(payload.toString('utf8')) as { s: unknown; t: unknown; r: unknown; q: unknown }
    if (
      typeof raw.s !== 'number' ||
      typeof raw.t !== 'number' ||
      typeof raw.r !== 'number' ||
      !Array.isArray(raw.q)
    )
      return { ok: false, reason: 'malformed record' }
    const statements = raw.q.map((entry: unknown) => {
      const [sql, params] = entry as [unknown, unknown]
      if (typeof sql !== 'string' || !Array.isArray(params)) throw new Error('malformed statement')
      return { sql, params: params.map((p: unknown) => decodeValue(p as JournalValue)) }
    })
    return { ok: true, record: { seq: raw.s, timeMs: raw.t, seed: raw.r, statements }, next: end }
  } catch (e) {
    return { ok: false, reason: `undecodable payload: ${(e as Error).message}` }
  }
}
