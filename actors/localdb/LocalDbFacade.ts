/**
 * What petals call on the `db` proxy (`ctx.proxy('db')`): the guide's `executeQuery`, `fetchOne`,
 * `fetchAll`, `insert`, `update`, `delete`, plus `insertMany`, `transaction` and `migrate`. Every
 * call returns once its write is on disk; a refused or failed call rejects with a `LocalDbError` and changes nothing.
 * Inside `transaction(async (tx) => ...)` use `tx`, not the outer facade: the outer one waits for
 * the transaction to end (it would wait until the transaction's time limit).
 */
import type { ActorRef } from '../../runtime/kernel/index.ts'
import type { StatementResult } from './DurableDatabase.ts'
import { LocalDbError } from './LocalDbError.ts'
import type { LocalDbMsg, SyncOption } from './localDbMessages.ts'
import type { Migration, MigrationResult } from './migrations.ts'
import type { RowData } from './sqlBuilders.ts'
import type { SqlRow } from './sqlValues.ts'

/** Options of a change. */
export interface ChangeOptions {
  /** Also queue the changed rows for DynamoDB (needs `PETAL_LOCAL_DB_SYNC`). */
  readonly sync?: SyncOption
}

const CALL_TIMEOUT_MS = 60_000

/**
 * The local DB facade.
 *
 * @example
 * const db = ctx.proxy('db')
 * await db.migrate('petal-logbook', [{ version: 1, up: 'CREATE TABLE flights (id INTEGER PRIMARY KEY, name TEXT)' }])
 * const { lastInsertRowid } = await db.insert('flights', { name: 'survey 1' })
 * const row = await db.fetchOne('SELECT * FROM flights WHERE id = ?', [lastInsertRowid])
 *
 * @category facades
 */
export class LocalDbFacade {
  constructor(
    private readonly ref: ActorRef<LocalDbMsg>,
    private readonly tx?: number,
  ) {}

  private ask<T>(msg: LocalDbMsg): Promise<T> {
    return this.ref.ask<T>(msg, { timeoutMs: CALL_TIMEOUT_MS })
  }

  private get txField(): { tx?: number } {
    return this.tx === undefined ? {} : { tx: this.tx }
  }

  /** Runs one SQL statement with bound `params`; returns its rows and, for a write, its changes. */
  executeQuery(sql: string, params: readonly unknown[] = []): Promise<StatementResult> {
    return this.ask({ type: 'execute', sql, params, ...this.txField })
  }

  /** The first row of a query, or undefined. */
  async fetchOne(sql: string, params: readonly unknown[] = []): Promise<SqlRow | undefined> {
    return (await this.executeQuery(sql, params)).rows[0]
  }

  /** Every row of a query. */
  async fetchAll(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    return (await this.executeQuery(sql, params)).rows
  }

  /** Inserts one row. */
  insert(
    table: string,
    data: RowData,
    options: ChangeOptions = {},
  ): Promise<{ changes: number; lastInsertRowid: number }> {
    return this.ask({
      type: 'insert',
      table,
      data,
      ...this.txField,
      ...(options.sync === undefined ? {} : { sync: options.sync }),
    })
  }

  /** Inserts every row in one unit of work (all or none), one message and one journal record. */
  insertMany(
    table: string,
    rows: readonly RowData[],
    options: ChangeOptions = {},
  ): Promise<{ changes: number }> {
    return this.ask({
      type: 'insertMany',
      table,
      rows,
      ...this.txField,
      ...(options.sync === undefined ? {} : { sync: options.sync }),
    })
  }

  /** Updates the rows matching `where` (an object of column conditions, see `sqlBuilders.ts`). */
  update(
    table: string,
    data: RowData,
    where: RowData,
    options: ChangeOptions = {},
  ): Promise<{ changes: number }> {
    return this.ask({
      type: 'update',
      table,
      data,
      where,
      ...this.txField,
      ...(options.sync === undefined ? {} : { sync: options.sync }),
    })
  }

  /** Deletes the rows matching `where`. */
  delete(table: string, where: RowData, options: ChangeOptions = {}): Promise<{ changes: number }> {
    return this.ask({
      type: 'delete',
      table,
      where,
      ...this.txField,
      ...(options.sync === undefined ? {} : { sync: options.sync }),
    })
  }

  /**
   * Runs `fn` in a transaction: committed (durably, as one unit) when it resolves, rolled back when
   * it throws. Other callers wait meanwhile; past the time limit (default 30 s) it is rolled back.
   */
  async transaction<T>(fn: (tx: LocalDbFacade) => Promise<T>): Promise<T> {
    if (this.tx !== undefined) throw new LocalDbError('NOT_ALLOWED', 'transactions do not nest')
    const id = await this.ask<number>({ type: 'begin' })
    let value: T
    try {
      value = await fn(new LocalDbFacade(this.ref, id))
    } catch (e) {
      await this.ask({ type: 'rollback', tx: id }).catch(() => {})
      throw e
    }
    await this.ask({ type: 'commit', tx: id })
    return value
  }

  /** Applies `owner`'s migrations not applied yet, each once, in version order. */
  migrate(owner: string, migrations: readonly Migration[]): Promise<MigrationResult> {
    return this.ask({ type: 'migrate', owner, migrations })
  }
}
