/**
 * Journal segments on disk: `<db file>-journal-<first seq, 12 digits>`, replayed in seq order. A
 * checkpoint starts a new segment and, once the new snapshot is durable, deletes the older ones.
 * Reading stops at the first record that is torn, corrupt, or out of sequence; what follows it is
 * reported (never replayed), so a crash mid-append loses only the record that never returned.
 * Segments the snapshot already covers (a later segment starts at or before its next seq) are
 * skipped unread.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { decodeRecord, type JournalRecord } from './journalRecord.ts'

/** A segment file. */
export interface Segment {
  readonly path: string
  readonly firstSeq: number
}

/** Where the valid journal ended early. */
export interface JournalDamage {
  readonly path: string
  readonly offset: number
  readonly reason: string
  /** Bytes after the last valid record, in this and later segments. */
  readonly droppedBytes: number
}

/** What reading the journal found. */
export interface JournalScan {
  readonly segments: readonly Segment[]
  /** Valid records in order (seq strictly increasing by one). */
  readonly records: readonly JournalRecord[]
  readonly damage: JournalDamage | undefined
  /** Valid end offset of the last segment read (for appending after it). */
  readonly validEnd: number
}

/** The file name of the segment starting at `firstSeq`. */
export function segmentPath(dbPath: string, firstSeq: number): string {
  return `${dbPath}-journal-${String(firstSeq).padStart(12, '0')}`
}

/** Segments of `dbPath`, oldest first. */
export function listSegments(dbPath: string): Segment[] {
  const dir = dirname(dbPath)
  const prefix = `${basename(dbPath)}-journal-`
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^\d{12}$/.test(n.slice(prefix.length)))
    .map((n) => ({ path: join(dir, n), firstSeq: Number(n.slice(prefix.length)) }))
    .sort((a, b) => a.firstSeq - b.firstSeq)
}

/** Reads every segment; records with seq <= `afterSeq` (already in the snapshot) are skipped. */
export function scanJournal(dbPath: string, afterSeq: number): JournalScan {
  const segments = listSegments(dbPath)
  const records: JournalRecord[] = []
  let expected: number | undefined
  let damage: JournalDamage | undefined
  let validEnd = 0
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!
    // a segment followed by one starting at or before the snapshot's next seq is wholly in the
    // snapshot (left by a crash between a checkpoint's rename and its deletions): not even read
    if ((segments[i + 1]?.firstSeq ?? Number.POSITIVE_INFINITY) <= afterSeq + 1) continue
    const buf = readFileSync(seg.path)
    let offset = 0
    while (offset < buf.length) {
      const r = decodeRecord(buf, offset)
      let reason: string | undefined
      if (!r.ok) reason = r.reason
      else if (expected !== undefined && r.record.seq !== expected)
        reason = `sequence gap: expected ${expected}, found ${r.record.seq}`
      else if (records.length === 0 && r.record.seq > afterSeq + 1)
        reason = `sequence gap: the snapshot holds up to ${afterSeq}, the journal continues at ${r.record.seq}`
      if (reason !== undefined || !r.ok) {
        const later = segments.slice(i + 1).reduce((n, s) => n + readFileSync(s.path).length, 0)
        damage = {
          path: seg.path,
          offset,
          reason: reason ?? 'invalid',
          droppedBytes: buf.length - offset + later,
        }
        break
      }
      expected = r.record.seq + 1
      if (r.record.seq > afterSeq) records.push(r.record)
      offset = r.next
    }
    validEnd = offset
    if (damage !== undefined) break
  }
  return { segments, records, damage, validEnd }
}
