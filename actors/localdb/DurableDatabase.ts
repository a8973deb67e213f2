/**
 * A sql.js database made durable: every committed unit of work (one statement or a transaction)
 * is appended to a journal segment and fdatasync'd before it returns, so its cost does not grow
 * with the database; a checkpoint (export, temp file, fsync, rename, fsync dir) folds the journal
 * into the snapshot file once it passes `checkpointBytes` (default 8 MiB). Opening loads the
 * snapshot and replays the journal records after the seq the snapshot holds; a torn or corrupt
 * tail is dropped (logged, never a crash) and the recovered state is checkpointed at once. If an
 * append fails, the unit is reported failed and the in-memory state is reloaded from disk, so
 * memory never holds what the disk does not. Not thread-safe: one owner (the `db` actor) calls it.
 */
import { mkdirSync, unlinkSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Database, SqlJsStatic, Statement } from 'sql.js'
import type { Logger } from '../../runtime/kernel/index.ts'
import { atTime } from './deterministic.ts'
import { AppendFile, fsyncDir, writeFileAtomic } from './journal/durableFiles.ts'
import { encodeRecord, type JournalStatement } from './journal/journalRecord.ts'
import { listSegments, segmentPath } from './journal/segments.ts'
import { LocalDbError } from './LocalDbError.ts'
import { META_TABLE, recoverDatabase, runOn } from './recoverDatabase.ts'
import { loadSqlJs } from './sqlJs.ts'
import type { SqlRow, SqlValue } from './sqlValues.ts'
import { firstKeyword, isWrite } from './statementKind.ts'

/** Options of {@link DurableDatabase.open}. */
export interface DurableOptions {
  /** Checkpoint once the journal passes this many bytes. Default 8 MiB. */
  readonly checkpointBytes?: number
  readonly log?: Logger
  /** DDL run at every open before replay, never journaled (the owner's internal tables). */
  readonly internalSchema?: readonly string[]
}

/** What one statement returned. */
export interface StatementResult {
  readonly rows: SqlRow[]
  /** Rows changed by a write (0 for a read). */
  readonly changes: number
  /** `last_insert_rowid()` after a write. */
  readonly lastInsertRowid: number | undefined
}

/** Counters for health and benchmarks. */
export interface DurableStats {
  readonly lastSeq: number
  readonly journalBytes: number
  readonly checkpoints: number
  readonly lastCheckpointMs: number | undefined
  readonly recoveredRecords: number
  readonly droppedBytes: number
  readonly lastCheckpointError: string | undefined
}

/** A cached prepared statement and what it is. */
interface Prepared {
  readonly st: Statement
  readonly write: boolean
  readonly insert: boolean
}

interface Unit {
  readonly timeMs: number
  readonly seed: number
  readonly statements: JournalStatement[]
  writes: boolean
}

const DEFAULT_CHECKPOINT_BYTES = 8 * 1024 * 1024
const STATEMENT_CACHE = 128

/**
 * The durable database.
 *
 * @example
 * const db = await DurableDatabase.open('./data/petal.db')
 * db.runUnit([{ sql: 'CREATE TABLE t(x)', params: [] }])
 * db.query('SELECT * FROM t', [])
 * await db.close()
 *
 * @category resource management
 */
export class DurableDatabase {
  private unit: Unit | undefined
  private checkpointing: Promise<void> | undefined
  private readonly cache = new Map<string, Prepared>()
  private rowidStatement: Statement | undefined
  private counters = {
    checkpoints: 0,
    lastCheckpointMs: undefined as number | undefined,
    error: undefined as string | undefined,
  }

  private constructor(
    readonly path: string,
    private sql: SqlJsStatic,
    private db: Database,
    private reseed: (seed: number) => void,
    private journal: AppendFile,
    private seq: number,
    private readonly recovery: { records: number; droppedBytes: number },
    private readonly options: Required<Pick<DurableOptions, 'checkpointBytes'>> & DurableOptions,
  ) {}

  /** Opens (or creates) the database at `path`, recovering it from its snapshot and journal. */
  static async open(path: string, options: DurableOptions = {}): Promise<DurableDatabase> {
    const sql = await loadSqlJs()
    mkdirSync(dirname(path), { recursive: true })
    const loaded = recoverDatabase(sql, path, options)
    const journal = new AppendFile(loaded.segment)
    // the segment may have just been created: its name must survive a power cut too
    fsyncDir(dirname(path))
    const store = new DurableDatabase(
      path,
      sql,
      loaded.db,
      loaded.reseed,
      journal,
      loaded.seq,
      { records: loaded.replayed, droppedBytes: loaded.droppedBytes },
      { checkpointBytes: options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES, ...options },
    )
    if (loaded.damaged) await store.checkpoint()
    return store
  }

  /**
   * Runs every statement of `sql` inside the open unit, each prepared only after the previous one
   * ran (so a script may create a table and then index it). `check` vets each statement first.
   */
  stepScript(sql: string, check: (statement: string) => void): number {
    let n = 0
    const it = this.db.iterateStatements(sql)
    for (;;) {
      let next: IteratorResult<Statement>
      try {
        next = it.next()
      } catch (e) {
        throw new LocalDbError(
          'SQL_ERROR',
          `${(e as Error).message} (in ${JSON.stringify(sql.slice(0, 200))})`,
        )
      }
      if (next.done) return n
      const text = next.value.getSQL()
      next.value.free()
      check(text)
      this.step(text, [])
      n++
    }
  }

  /** 0, 1, or 2 meaning "more than one": how many statements `sql` holds. */
  statementCount(sql: string): 0 | 1 | 2 {
    const it = this.db.iterateStatements(sql)
    let n: 0 | 1 | 2 = 0
    try {
      for (const st of it) {
        st.free()
        if (n === 1) return 2
        n = 1
      }
    } catch (e) {
      if (n === 1) return 2
      throw new LocalDbError('SQL_ERROR', `${(e as Error).message} (in ${JSON.stringify(sql.slice(0, 200))})`)
    }
    return n
  }

  /** True while a unit of work is open. */
  get inUnit(): boolean {
    return this.unit !== undefined
  }

  get stats(): DurableStats {
    return {
      lastSeq: this.seq,
      journalBytes: this.journal.bytes,
      checkpoints: this.counters.checkpoints,
      lastCheckpointMs: this.counters.lastCheckpointMs,
      recoveredRecords: this.recovery.records,
      droppedBytes: this.recovery.droppedBytes,
      lastCheckpointError: this.counters.error,
    }
  }

  /** Runs a statement outside any unit; a write becomes a unit of its own, durable on return. */
  async execute(sql: string, params: readonly SqlValue[]): Promise<StatementResult> {
    if (this.unit !== undefined || !isWrite(sql)) return this.step(sql, params)
    this.begin()
    let r: StatementResult
    try {
      r = this.step(sql, params)
    } catch (e) {
      this.rollback()
      throw e
    }
    await this.commit()
    return r
  }

  /** Runs a read outside any unit (synchronously). */
  read(sql: string, params: readonly SqlValue[]): SqlRow[] {
    if (isWrite(sql))
      throw new LocalDbError('NOT_ALLOWED', `read: expected a query, found a write (${sql.slice(0, 40)})`)
    return this.step(sql, params).rows
  }

  /** Runs several statements as one unit (all or nothing), durable on return. */
  async runUnit(
    statements: readonly { sql: string; params: readonly SqlValue[] }[],
  ): Promise<StatementResult[]> {
    this.begin()
    let out: StatementResult[]
    try {
      out = statements.map((s) => this.step(s.sql, s.params))
    } catch (e) {
      this.rollback()
      throw e
    }
    await this.commit()
    return out
  }

  /** Starts a unit of work (a transaction). */
  begin(): void {
    if (this.unit !== undefined) throw new LocalDbError('NOT_ALLOWED', 'a unit of work is already open')
    const unit: Unit = {
      timeMs: Date.now(),
      seed: (Math.random() * 2 ** 32) | 0,
      statements: [],
      writes: false,
    }
    this.reseed(unit.seed)
    this.control('BEGIN')
    this.unit = unit
  }

  /** Runs one statement; inside a unit it is recorded for the journal. */
  step(sql: string, params: readonly SqlValue[]): StatementResult {
    const unit = this.unit
    const p = this.prepare(sql)
    const run = (): StatementResult => {
      let rows: SqlRow[]
      try {
        rows = runOn(this.db, sql, params, p.st)
      } catch (e) {
        throw new LocalDbError(
          'SQL_ERROR',
          `${(e as Error).message} (in ${JSON.stringify(sql.slice(0, 200))})`,
        )
      }
      return {
        rows,
        changes: p.write ? this.db.getRowsModified() : 0,
        lastInsertRowid: p.insert ? this.lastRowid() : undefined,
      }
    }
    if (unit === undefined) return run()
    const result = atTime(unit.timeMs, run)
    unit.statements.push({ sql, params })
    if (p.write) unit.writes = true
    return result
  }

  /** BEGIN, COMMIT or ROLLBACK through a cached statement (exec would parse it every time). */
  private control(sql: 'BEGIN' | 'COMMIT' | 'ROLLBACK'): void {
    const st = this.prepare(sql).st
    try {
      st.step()
    } finally {
      st.reset()
    }
  }

  private lastRowid(): number {
    this.rowidStatement ??= this.db.prepare('SELECT last_insert_rowid()')
    const st = this.rowidStatement
    try {
      st.step()
      return Number(st.get()[0])
    } finally {
      st.reset()
    }
  }

  /** Commits the open unit: in memory, then on disk; resolves once the journal record is durable. */
  async commit(): Promise<void> {
    const unit = this.unit
    if (unit === undefined) throw new LocalDbError('NOT_ALLOWED', 'no unit of work is open')
    this.unit = undefined
    try {
      this.control('COMMIT')
    } catch (e) {
      this.control('ROLLBACK')
      throw new LocalDbError('SQL_ERROR', `commit failed: ${(e as Error).message}`)
    }
    if (!unit.writes) return
    const record = { seq: this.seq + 1, timeMs: unit.timeMs, seed: unit.seed, statements: unit.statements }
    this.seq = record.seq
    try {
      await this.journal.append(encodeRecord(record))
    } catch (e) {
      this.reloadFromDisk()
      throw new LocalDbError(
        'JOURNAL_WRITE_FAILED',
        `the write was not made durable and is undone: ${(e as Error).message}`,
      )
    }
  }

  /** Abandons the open unit. */
  rollback(): void {
    if (this.unit === undefined) return
    this.unit = undefined
    this.control('ROLLBACK')
  }

  /** True when the journal has grown past the checkpoint threshold. */
  get wantsCheckpoint(): boolean {
    return this.journal.bytes >= this.options.checkpointBytes && this.checkpointing === undefined
  }

  /**
   * Folds the journal into the snapshot. The snapshot bytes are taken at once (between units); the
   * file I/O runs after, while new units go to a fresh segment. Resolves when it is durable.
   */
  checkpoint(): Promise<void> {
    if (this.checkpointing !== undefined) return this.checkpointing
    if (this.unit !== undefined)
      return Promise.reject(new LocalDbError('NOT_ALLOWED', 'cannot checkpoint inside a unit of work'))
    const t0 = performance.now()
    const seq = this.seq
    this.db.run(`INSERT OR REPLACE INTO ${META_TABLE} (key, value) VALUES ('journal_seq', ?)`, [seq])
    const bytes = this.db.export()
    const next = segmentPath(this.path, seq + 1)
    if (this.journal.path !== next) {
      this.journal.close()
      this.journal = new AppendFile(next)
      fsyncDir(dirname(this.path))
    }
    const current = this.journal.path
    this.checkpointing = (async () => {
      try {
        await writeFileAtomic(this.path, bytes)
        for (const s of listSegments(this.path))
          if (s.path !== current && s.firstSeq <= seq) unlinkSync(s.path)
        fsyncDir(dirname(this.path))
        this.counters.checkpoints++
        this.counters.lastCheckpointMs = performance.now() - t0
        this.counters.error = undefined
      } catch (e) {
        this.counters.error = (e as Error).message
        throw e
      } finally {
        this.checkpointing = undefined
      }
    })()
    return this.checkpointing
  }

  /** Waits for a running checkpoint, checkpoints what is left, and closes. */
  async close(): Promise<void> {
    this.rollback()
    await this.checkpointing?.catch(() => {})
    if (this.journal.bytes > 0) await this.checkpoint()
    this.journal.close()
    for (const p of this.cache.values()) p.st.free()
    this.cache.clear()
    this.rowidStatement?.free()
    this.rowidStatement = undefined
    this.db.close()
  }

  /** Closes without a checkpoint (what a crash leaves); for tests and fault injection. */
  abandon(): void {
    this.journal.close()
    this.db.close()
  }

  private prepare(sql: string): Prepared {
    const hit = this.cache.get(sql)
    if (hit !== undefined) return hit
    let st: Statement
    try {
      st = this.db.prepare(sql)
    } catch (e) {
      throw new LocalDbError('SQL_ERROR', `${(e as Error).message} (in ${JSON.stringify(sql.slice(0, 200))})`)
    }
    if (this.cache.size >= STATEMENT_CACHE) {
      const [oldest, old] = this.cache.entries().next().value as [string, Prepared]
      old.st.free()
      this.cache.delete(oldest)
    }
    const kw = firstKeyword(sql)
    const p: Prepared = { st, write: isWrite(sql), insert: kw === 'INSERT' || kw === 'REPLACE' }
    this.cache.set(sql, p)
    return p
  }

  private reloadFromDisk(): void {
    for (const p of this.cache.values()) p.st.free()
    this.cache.clear()
    this.rowidStatement?.free()
    this.rowidStatement = undefined
    this.db.close()
    this.journal.close()
    const loaded = recoverDatabase(this.sql, this.path, this.options)
    this.db = loaded.db
    this.reseed = loaded.reseed
    this.seq = loaded.seq
    this.journal = new AppendFile(loaded.segment)
  }
}
