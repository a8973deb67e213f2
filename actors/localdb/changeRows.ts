/**
 * `insert`, `update` and `delete` as one unit of work (or inside the caller's open transaction),
 * with their outbox entries when `sync` is set: an update's rows are found before it runs and read
 * back by rowid after (so a change to the columns of `where` is still captured); a delete's rows
 * are read before it runs and queued with `deleted: true`. Sync needs a rowid table.
 */
import type { DurableDatabase, StatementResult } from './DurableDatabase.ts'
import type { LocalDbMsg, SyncOption } from './localDbMessages.ts'
import { cloudTableOf, enqueue } from './outbox.ts'
import { buildDelete, buildInsert, buildSelectImages, buildUpdate } from './sqlBuilders.ts'
import type { SqlRow } from './sqlValues.ts'

/** A change message. */
export type Change = Extract<LocalDbMsg, { type: 'insert' | 'update' | 'delete' }>

/** What a change did: its result, and how many outbox entries it queued. */
export interface ChangeOutcome {
  readonly result: { changes: number; lastInsertRowid?: number | undefined }
  readonly queued: number
}

/** Runs a change; `inTx` when the caller's transaction is open (no unit of its own). */
export async function changeRows(store: DurableDatabase, msg: Change, inTx: boolean): Promise<ChangeOutcome> {
  const sync: SyncOption = msg.sync ?? false
  const cloudTable = sync === false ? undefined : cloudTableOf(msg.table, sync)
  const built =
    msg.type === 'insert'
      ? buildInsert(msg.table, msg.data)
      : msg.type === 'update'
        ? buildUpdate(msg.table, msg.data, msg.where)
        : buildDelete(msg.table, msg.where)
  const own = !inTx
  if (own) store.begin()
  let queued = 0
  let result: StatementResult
  try {
    let images: SqlRow[] = []
    if (cloudTable !== undefined && msg.type !== 'insert') {
      const sel = buildSelectImages(msg.table, msg.where)
      images = store.step(sel.sql, sel.params).rows
    }
    result = store.step(built.sql, built.params)
    if (cloudTable !== undefined) {
      const t = `"${msg.table}"`
      if (msg.type === 'insert') {
        queued = enqueue(
          store,
          cloudTable,
          store.step(`SELECT * FROM ${t} WHERE rowid = ?`, [result.lastInsertRowid ?? -1]).rows,
        )
      } else if (msg.type === 'update') {
        const ids = images.map((r) => r.__rowid ?? null)
        const after =
          ids.length === 0
            ? []
            : store.step(`SELECT * FROM ${t} WHERE rowid IN (${ids.map(() => '?').join(', ')})`, ids).rows
        queued = enqueue(store, cloudTable, after)
      } else {
        queued = enqueue(store, cloudTable, images, { deleted: true })
      }
    }
  } catch (e) {
    if (own && store.inUnit) store.rollback()
    throw e
  }
  if (own) await store.commit()
  return {
    result:
      msg.type === 'insert'
        ? { changes: result.changes, lastInsertRowid: result.lastInsertRowid }
        : { changes: result.changes },
    queued,
  }
}
