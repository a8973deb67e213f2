/**
 * Options of the `db` proxy, from `PETAL_*` variables:
 * `PETAL_LOCAL_DB_PATH` (default `./data/petal.db`, relative to the config file's directory),
 * `PETAL_LOCAL_DB_CHECKPOINT_BYTES` (journal size that triggers a checkpoint, default 8 MiB),
 * `PETAL_LOCAL_DB_CHECKPOINT_INTERVAL` (seconds between checkpoints of a non-empty journal, default
 * 300: each one exports the whole database, so it is kept rare; the size threshold does the rest),
 * `PETAL_LOCAL_DB_TX_TIMEOUT` (seconds a transaction may stay open, default 30), and
 * `PETAL_LOCAL_DB_SYNC` (push the outbox to DynamoDB, default false; the cloud options then come
 * from the `PETAL_CLOUD_*` variables, see `actors/clouddb/cloudDbOptions.ts`).
 */
import { resolve } from 'node:path'
import { type CloudDbOptions, readCloudDbOptions } from '../clouddb/cloudDbOptions.ts'
import { OptionReader } from '../optionReader.ts'
import type { OptionIssue, ProxyContext } from '../ProxyKind.ts'

/** Outbox push settings. */
export interface SyncOptions {
  readonly cloud: CloudDbOptions
  /** Outbox entries pushed per round. Default 100. */
  readonly batchSize: number
  /** Concurrent PutItem calls. Default 8. */
  readonly concurrency: number
  /** Backoff while offline, ms. */
  readonly minBackoffMs: number
  readonly maxBackoffMs: number
}

/** Resolved options of the local DB. */
export interface LocalDbOptions {
  readonly path: string
  readonly checkpointBytes: number
  readonly checkpointIntervalMs: number
  readonly transactionTimeoutMs: number
  readonly machineId: string | undefined
  readonly sync: SyncOptions | undefined
}

/** Defaults of the local DB options. */
export const LOCAL_DB_DEFAULTS = {
  path: './data/petal.db',
  checkpointBytes: 8 * 1024 * 1024,
  checkpointIntervalMs: 300_000,
  transactionTimeoutMs: 30_000,
} as const

/**
 * Reads the local DB options.
 *
 * @category config
 */
export function parseLocalDbOptions(
  ctx: Pick<ProxyContext, 'env' | 'configDir' | 'machineId'>,
): { readonly options: LocalDbOptions } | { readonly issues: readonly OptionIssue[] } {
  const r = new OptionReader(ctx.env)
  const path = resolve(ctx.configDir, r.string('PETAL_LOCAL_DB_PATH', LOCAL_DB_DEFAULTS.path))
  const checkpointBytes = r.number(
    'PETAL_LOCAL_DB_CHECKPOINT_BYTES',
    LOCAL_DB_DEFAULTS.checkpointBytes,
    4096,
    2 ** 31,
    true,
  )
  const interval = r.number(
    'PETAL_LOCAL_DB_CHECKPOINT_INTERVAL',
    LOCAL_DB_DEFAULTS.checkpointIntervalMs / 1000,
    0.1,
    86_400,
  )
  const txTimeout = r.number(
    'PETAL_LOCAL_DB_TX_TIMEOUT',
    LOCAL_DB_DEFAULTS.transactionTimeoutMs / 1000,
    0.1,
    3600,
  )
  const syncOn = r.boolean('PETAL_LOCAL_DB_SYNC', false)
  const cloud = syncOn ? readCloudDbOptions(r, ctx.machineId) : undefined
  const retry = r.number('PETAL_CLOUD_RETRY_INTERVAL', 10, 0.1, 3600)
  if (cloud?.deviceScoping === true && ctx.machineId === undefined)
    r.issues.push({
      key: 'PETAL_MACHINE_ID',
      expected:
        'a machine id (PETAL_MACHINE_ID or /etc/machine-id) to stamp synced items with, or PETAL_CLOUD_DEVICE_SCOPING=false',
      found: 'nothing',
    })
  if (r.issues.length > 0) return { issues: r.issues }
  return {
    options: {
      path,
      checkpointBytes,
      checkpointIntervalMs: interval * 1000,
      transactionTimeoutMs: txTimeout * 1000,
      machineId: ctx.machineId,
      sync:
        cloud === undefined
          ? undefined
          : { cloud, batchSize: 100, concurrency: 8, minBackoffMs: 200, maxBackoffMs: retry * 1000 },
    },
  }
}
