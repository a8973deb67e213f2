/**
 * What petals call on the `cloud` proxy (`ctx.proxy('cloud')`): the guide's `scanTable`,
 * `getItem`, `putItem`, `updateItem`, `deleteItem`, `batchWrite`. Each resolves to
 * `{ success: true, data, ... }` or `{ success: false, error, code }` (see `cloudResults.ts`); with
 * device scoping on, writes carry `robot_instance_id` and reads see only this device's live items.
 */
import type { ActorRef } from '../../runtime/kernel/index.ts'
import type { CloudDbMsg } from './cloudDbMessages.ts'
import type { CloudResult } from './cloudResults.ts'
import type { ScanFilter, ScanOptions } from './scanTable.ts'

type Item = Record<string, unknown>

const CALL_TIMEOUT_MS = 120_000

/**
 * The cloud DB facade.
 *
 * @example
 * const cloud = ctx.proxy('cloud')
 * await cloud.putItem('flight-records', { id: 'f-1', duration_s: 312 })
 * const r = await cloud.scanTable('flight-records', [{ filter_key_name: 'status', filter_key_value: 'done' }])
 * if (r.success) for (const item of r.data) ctx.log.info(item)
 *
 * @category facades
 */
export class CloudDbFacade {
  constructor(private readonly ref: ActorRef<CloudDbMsg>) {}

  private ask<T>(msg: CloudDbMsg): Promise<T> {
    return this.ref.ask<T>(msg, { timeoutMs: CALL_TIMEOUT_MS })
  }

  /** Every visible item matching the equality `filters`, following pages (see `ScanOptions`). */
  scanTable(
    table: string,
    filters: readonly ScanFilter[] | Readonly<Item> = [],
    options: ScanOptions = {},
  ): Promise<CloudResult<{ data: Item[]; next_key: Item | null; scanned_pages: number }>> {
    return this.ask({ type: 'scan', table, filters, options })
  }

  getItem(table: string, key: Readonly<Item>): Promise<CloudResult<{ data: Item }>> {
    return this.ask({ type: 'get', table, key })
  }

  putItem(table: string, item: Readonly<Item>): Promise<CloudResult<{ data: Item }>> {
    return this.ask({ type: 'put', table, item })
  }

  /** Sets the given attributes (the item is created if absent). */
  updateItem(
    table: string,
    key: Readonly<Item>,
    updates: Readonly<Item>,
  ): Promise<CloudResult<{ data: Item }>> {
    return this.ask({ type: 'update', table, key, updates })
  }

  /** Soft delete with device scoping (`deleted: true`), real delete without. */
  deleteItem(table: string, key: Readonly<Item>): Promise<CloudResult<{ data: Item }>> {
    return this.ask({ type: 'delete', table, key })
  }

  /** Puts every item, 25 per request, retrying unprocessed ones. */
  batchWrite(
    table: string,
    items: readonly Readonly<Item>[],
  ): Promise<CloudResult<{ data: { written: number; requests: number; retries: number } }>> {
    return this.ask({ type: 'batch', table, items })
  }
}
