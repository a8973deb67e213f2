/**
 * The `bucket` actor's protocol: one message per facade method, plus health and the outcome
 * reports its own operations send back to update the cached connectivity.
 */
import type { ListOptions } from './objectOperations.ts'
import type { UploadOptions } from './uploadFlightLog.ts'

/** Messages of the `bucket` actor. */
export type BucketMsg =
  | { readonly type: 'upload'; readonly filePath: string; readonly options: UploadOptions }
  | { readonly type: 'list'; readonly prefix: string; readonly options: ListOptions }
  | { readonly type: 'download'; readonly key: string; readonly localPath: string }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'move'; readonly sourceKey: string; readonly destKey: string }
  | { readonly type: 'head'; readonly key: string }
  | { readonly type: 'outcome'; readonly op: string; readonly reachable: boolean; readonly error?: string }
  | { readonly type: 'health' }
