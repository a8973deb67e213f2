/**
 * The `db` actor's protocol. Data messages carry `tx` when they belong to an open transaction;
 * while one is open, messages of other callers wait (in order) until it commits, rolls back or
 * times out. `sync` on a change also writes the changed rows' images to the outbox, in the same
 * unit of work.
 */
import type { Migration } from './migrations.ts'
import type { RowData } from './sqlBuilders.ts'

/** Outbox option of a change: `true` pushes to the DynamoDB table of the same name. */
export type SyncOption = boolean | { readonly table: string }

/** Messages of the `db` actor. */
export type LocalDbMsg =
  | {
      readonly type: 'execute'
      readonly sql: string
      readonly params?: readonly unknown[]
      readonly tx?: number
    }
  | {
      readonly type: 'insert'
      readonly table: string
      readonly data: RowData
      readonly tx?: number
      readonly sync?: SyncOption
    }
  | {
      readonly type: 'insertMany'
      readonly table: string
      readonly rows: readonly RowData[]
      readonly tx?: number
      readonly sync?: SyncOption
    }
  | {
      readonly type: 'update'
      readonly table: string
      readonly data: RowData
      readonly where: RowData
      readonly tx?: number
      readonly sync?: SyncOption
    }
  | {
      readonly type: 'delete'
      readonly table: string
      readonly where: RowData
      readonly tx?: number
      readonly sync?: SyncOption
    }
  | { readonly type: 'begin' }
  | { readonly type: 'commit'; readonly tx: number }
  | { readonly type: 'rollback'; readonly tx: number }
  | { readonly type: 'txExpired'; readonly tx: number }
  | { readonly type: 'migrate'; readonly owner: string; readonly migrations: readonly Migration[] }
  | { readonly type: 'outboxPeek'; readonly limit: number }
  | { readonly type: 'outboxAck'; readonly ids: readonly number[] }
  | { readonly type: 'syncStatus'; readonly status: SyncStatus }
  | { readonly type: 'checkpoint' }
  | { readonly type: 'health' }

/** What the outbox pusher last reported. */
export interface SyncStatus {
  readonly state: 'idle' | 'pushing' | 'offline'
  readonly pushed: number
  readonly lastError: string | undefined
  readonly nextRetryMs: number | undefined
}

/** One outbox entry. */
export interface OutboxEntry {
  readonly id: number
  readonly table: string
  readonly item: Record<string, unknown>
}
