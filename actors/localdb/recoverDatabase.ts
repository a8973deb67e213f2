/**
 * Opening a durable database: load the snapshot file (or start empty), create the meta table and
 * the owner's internal tables (never journaled, so every open does the same), then replay the
 * journal records after the seq the snapshot holds, each with its recorded clock and seed. A torn
 * or corrupt tail, or a record that does not replay, ends the replay there. A torn tail of the last
 * segment is cut off (appends continue after the last valid record); any other damage is reported
 * so the caller checkpoints the recovered state and later appends never follow a damaged record.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync } from 'node:fs'
import type { BindParams, Database, SqlJsStatic } from 'sql.js'
import type { Logger } from '../../runtime/kernel/index.ts'
import { atTime, installDeterminism } from './deterministic.ts'
import { scanJournal, segmentPath } from './journal/segments.ts'
import { LocalDbError } from './LocalDbError.ts'
import type { SqlRow, SqlValue } from './sqlValues.ts'

/** The table holding the seq of the last journal record a snapshot includes. */
export const META_TABLE = '_petal_meta'

/** What recovery needs from the owner. */
export interface RecoveryOptions {
  readonly log?: Logger
  readonly internalSchema?: readonly string[]
}

/** A recovered database, ready for appends to `segment`. */
export interface Recovered {
  readonly db: Database
  readonly reseed: (seed: number) => void
  readonly seq: number
  readonly damaged: boolean
  readonly replayed: number
  readonly droppedBytes: number
  readonly segment: string
}

/** Runs one statement on `db` and returns its rows (the first statement of `sql` only). */
export function runOn(
  db: Database,
  sql: string,
  params: readonly SqlValue[],
  st = db.prepare(sql),
): SqlRow[] {
  try {
    st.bind(params as unknown as BindParams)
    const rows: SqlRow[] = []
    while (st.step()) rows.push(st.getAsObject() as SqlRow)
    return rows
  } finally {
    st.reset()
  }
}

/** Loads the snapshot at `path` and replays its journal. */
export function recoverDatabase(sql: SqlJsStatic, path: string, options: RecoveryOptions): Recovered {
  const log = options.log
  let db: Database
  try {
    db = new sql.Database(existsSync(path) ? readFileSync(path) : undefined)
    db.exec(`CREATE TABLE IF NOT EXISTS ${META_TABLE} (key TEXT PRIMARY KEY, value)`)
    for (const ddl of options.internalSchema ?? []) db.exec(ddl)
    // SQLite's own rollback journal would be a file in Emscripten's in-memory FS, created and
    // deleted per transaction (about 0.1 ms each); durability is the journal segments' job.
    db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF')
  } catch (e) {
    throw new LocalDbError(
      'SQL_ERROR',
      `${path}: expected a SQLite database file, found one that does not open (${(e as Error).message})`,
    )
  }
  const { reseed } = installDeterminism(db)
  const seqRow = db.exec(`SELECT value FROM ${META_TABLE} WHERE key = 'journal_seq'`)
  const snapshotSeq = Number(seqRow[0]?.values[0]?.[0] ?? 0)
  const scan = scanJournal(path, snapshotSeq)
  let seq = snapshotSeq
  let replayFailed = false
  let replayed = 0
  for (const record of scan.records) {
    try {
      reseed(record.seed)
      atTime(record.timeMs, () => {
        db.exec('BEGIN')
        for (const st of record.statements) runOn(db, st.sql, st.params)
        db.exec('COMMIT')
      })
    } catch (e) {
      try {
        db.exec('ROLLBACK')
      } catch {
        // no transaction was open
      }
      log?.error(
        { seq: record.seq, error: (e as Error).message },
        `${path}: journal record ${record.seq} does not replay; dropping it and what follows`,
      )
      replayFailed = true
      break
    }
    seq = record.seq
    replayed++
  }
  if (scan.damage !== undefined)
    log?.warn(
      { file: scan.damage.path, offset: scan.damage.offset, dropped_bytes: scan.damage.droppedBytes },
      `${path}: journal ends early (${scan.damage.reason}); the unfinished tail was dropped`,
    )
  const last = scan.segments.at(-1)
  // A torn tail of the last segment (a crash or a failed write mid-append) is cut off, so appends
  // continue right after the last valid record; damage anywhere else needs a checkpoint.
  let damaged = replayFailed || scan.damage !== undefined
  if (!replayFailed && scan.damage !== undefined && scan.damage.path === last?.path) {
    truncateDurably(last.path, scan.damage.offset)
    damaged = false
  }
  const segment = !damaged && last !== undefined ? last.path : segmentPath(path, seq + 1)
  return { db, reseed, seq, damaged, replayed, droppedBytes: scan.damage?.droppedBytes ?? 0, segment }
}

function truncateDurably(file: string, length: number): void {
  const fd = openSync(file, 'r+')
  try {
    ftruncateSync(fd, length)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
