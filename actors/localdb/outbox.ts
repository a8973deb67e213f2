/**
 * The outbox: row images waiting to be pushed to DynamoDB, written in the same unit of work as the
 * change they describe, so a change and its outbox entry are durable together or not at all. An
 * entry's id (AUTOINCREMENT, never reused) is the version the push uses to be idempotent. A deleted
 * row is pushed as its last image with `deleted: true` (the original's soft delete).
 */
import type { DurableDatabase } from './DurableDatabase.ts'
import { LocalDbError } from './LocalDbError.ts'
import type { OutboxEntry, SyncOption } from './localDbMessages.ts'
import { decodeValue, encodeValue, type SqlRow } from './sqlValues.ts'

/** DDL of the outbox table (created at open, never journaled). */
export const OUTBOX_DDL =
  'CREATE TABLE IF NOT EXISTS _petal_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, cloud_table TEXT NOT NULL, item TEXT NOT NULL, created_at INTEGER NOT NULL)'

const CLOUD_TABLE = /^[A-Za-z0-9_.-]{3,255}$/

/** The DynamoDB table a change goes to. */
export function cloudTableOf(table: string, sync: SyncOption): string {
  const name = typeof sync === 'object' ? sync.table : table
  if (!CLOUD_TABLE.test(name))
    throw new LocalDbError(
      'INVALID_ARGUMENT',
      `sync.table: expected a DynamoDB table name ([A-Za-z0-9_.-], 3 to 255 characters), found ${JSON.stringify(name)}`,
    )
  return name
}

/** Writes one entry per row image (inside the caller's unit). Returns how many. */
export function enqueue(
  store: DurableDatabase,
  cloudTable: string,
  rows: readonly SqlRow[],
  extra: Record<string, unknown> = {},
): number {
  for (const row of rows) {
    const item: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(row)) if (k !== '__rowid') item[k] = encodeValue(v)
    Object.assign(item, extra)
    store.step('INSERT INTO _petal_outbox (cloud_table, item, created_at) VALUES (?, ?, ?)', [
      cloudTable,
      JSON.stringify(item),
      Date.now(),
    ])
  }
  return rows.length
}

/** The oldest `limit` entries. */
export function peek(store: DurableDatabase, limit: number): OutboxEntry[] {
  return store
    .read('SELECT id, cloud_table, item FROM _petal_outbox ORDER BY id LIMIT ?', [limit])
    .map((r) => {
      const raw = JSON.parse(String(r.item)) as Record<string, unknown>
      const item: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(raw)) item[k] = typeof v === 'boolean' ? v : decodeValue(v)
      return { id: Number(r.id), table: String(r.cloud_table), item }
    })
}

/** Removes pushed entries (durably). */
export async function ack(store: DurableDatabase, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return
  await store.execute(`DELETE FROM _petal_outbox WHERE id IN (${ids.map(() => '?').join(', ')})`, ids)
}

/** Entries waiting. */
export function depth(store: DurableDatabase): number {
  return Number(store.read('SELECT count(*) AS n FROM _petal_outbox', [])[0]?.n ?? 0)
}
