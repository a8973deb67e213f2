/**
 * The `cloud` actor's protocol: one message per facade method, plus health and the outcome
 * reports its own operations send back to update the cached connectivity.
 */
import type { ScanFilter, ScanOptions } from './scanTable.ts'

type Item = Readonly<Record<string, unknown>>

/** Messages of the `cloud` actor. */
export type CloudDbMsg =
  | {
      readonly type: 'scan'
      readonly table: string
      readonly filters: readonly ScanFilter[] | Item
      readonly options: ScanOptions
    }
  | { readonly type: 'get'; readonly table: string; readonly key: Item }
  | { readonly type: 'put'; readonly table: string; readonly item: Item }
  | { readonly type: 'update'; readonly table: string; readonly key: Item; readonly updates: Item }
  | { readonly type: 'delete'; readonly table: string; readonly key: Item }
  | { readonly type: 'batch'; readonly table: string; readonly items: readonly Item[] }
  | { readonly type: 'outcome'; readonly reachable: boolean; readonly error?: string }
  | { readonly type: 'health' }
