/**
 * The local DB outside the runtime: `createLocalDbProxy({ path })` opens (and recovers) the
 * database and returns the same facade petals get, plus `close()` (checkpoint and close). Options
 * not given take the defaults of `localDbOptions.ts`; sync is off unless `sync` is given.
 */
import type { Logger } from '../../runtime/kernel/index.ts'
import { startStandalone } from '../standaloneProxy.ts'
import { LocalDbFacade } from './LocalDbFacade.ts'
import { localDbBehavior } from './localDbBehavior.ts'
import type { LocalDbMsg } from './localDbMessages.ts'
import { LOCAL_DB_DEFAULTS, type LocalDbOptions } from './localDbOptions.ts'

/** Options of {@link createLocalDbProxy}; only `path` is required. */
export type CreateLocalDbOptions = Partial<LocalDbOptions> & {
  readonly path: string
  readonly logger?: Logger
}

/** A standalone local DB. */
export interface StandaloneLocalDb {
  readonly db: LocalDbFacade
  /** Health, as `/health/detailed` shows it. */
  health(): Promise<Record<string, unknown>>
  close(): Promise<void>
}

/**
 * Opens a local DB outside the runtime.
 *
 * @example
 * const { db, close } = await createLocalDbProxy({ path: './data/app.db' })
 * await db.executeQuery('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT)')
 * await close()
 *
 * @category constructors
 */
export async function createLocalDbProxy(options: CreateLocalDbOptions): Promise<StandaloneLocalDb> {
  const full: LocalDbOptions = {
    checkpointBytes: LOCAL_DB_DEFAULTS.checkpointBytes,
    checkpointIntervalMs: LOCAL_DB_DEFAULTS.checkpointIntervalMs,
    transactionTimeoutMs: LOCAL_DB_DEFAULTS.transactionTimeoutMs,
    machineId: undefined,
    sync: undefined,
    ...options,
  }
  const running = await startStandalone<unknown, LocalDbMsg>(
    'db',
    localDbBehavior(full) as never,
    options.logger,
  )
  return {
    db: new LocalDbFacade(running.ref),
    health: () => running.ref.ask({ type: 'health' }),
    close: running.close,
  }
}
