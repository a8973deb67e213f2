/**
 * The `db` actor: owns the durable sql.js database, runs one message at a time, and keeps
 * transactions isolated: while one is open (up to `transactionTimeoutMs`, default 30 s, then it is
 * rolled back), other callers' messages wait in order. A refused or failed call answers with a
 * `LocalDbError` and changes nothing; anything else is a bug and fails the actor (its supervisor
 * restarts it, and the reopen recovers from disk). With sync on, it runs the outbox pusher as a
 * child and wakes it after each change that wrote to the outbox; a pusher that crashes is started
 * again after 1 s. Checkpoints run when the journal passes its threshold and every interval.
 */
import type { ActorContext, ActorRef, Behavior, Reply, Terminated } from '../../runtime/kernel/index.ts'
import { lazyBehavior } from '../lazyBehavior.ts'
import { changeRows } from './changeRows.ts'
import { DurableDatabase } from './DurableDatabase.ts'
import { LocalDbError } from './LocalDbError.ts'
import type { LocalDbMsg, SyncStatus } from './localDbMessages.ts'
import type { LocalDbOptions } from './localDbOptions.ts'
import { MIGRATIONS_DDL, runMigrations } from './migrations.ts'
import { ack, depth, OUTBOX_DDL, peek } from './outbox.ts'
import { toSqlParams } from './sqlValues.ts'
import { checkAllowed } from './statementKind.ts'
import type { PusherMsg } from './sync/outboxPusher.ts'

interface State {
  readonly store: DurableDatabase
  tx: { readonly id: number; readonly cancel: () => void; synced: boolean } | undefined
  nextTx: number
  readonly waiting: { readonly msg: LocalDbMsg; readonly reply: Reply | undefined }[]
  readonly checked: Set<string>
  pusher: ActorRef<PusherMsg> | undefined
  syncStatus: SyncStatus | undefined
}

type Msg = LocalDbMsg | Terminated

/** Messages handled even while a transaction is open. */
const ALWAYS = new Set(['txExpired', 'syncStatus', 'checkpoint', 'health'])

/**
 * The behaviour of the `db` actor.
 *
 * @category constructors
 */
export function localDbBehavior(options: LocalDbOptions): Behavior<State, Msg> {
  return {
    init: async (ctx) => {
      const store = await DurableDatabase.open(options.path, {
        checkpointBytes: options.checkpointBytes,
        log: ctx.log,
        internalSchema: [MIGRATIONS_DDL, OUTBOX_DDL],
      })
      ctx.onCleanup((forced) => {
        if (forced) store.abandon()
      })
      ctx.setInterval(() => ctx.self.tell({ type: 'checkpoint' }), options.checkpointIntervalMs)
      const s: State = {
        store,
        tx: undefined,
        nextTx: 0,
        waiting: [],
        checked: new Set(),
        pusher: undefined,
        syncStatus: undefined,
      }
      startPusher(s, ctx, options)
      return s
    },
    receive: (s, msg, ctx) => {
      if (msg.type === 'terminated') {
        if (s.pusher !== undefined && msg.ref.path === s.pusher.path) {
          s.pusher = undefined
          ctx.setTimeout(() => startPusher(s, ctx, options), 1000)
        }
        return s
      }
      const reply = ctx.deferReply()
      const tx = 'tx' in msg ? msg.tx : undefined
      if (s.tx !== undefined && tx !== s.tx.id && !ALWAYS.has(msg.type)) {
        if (tx !== undefined) reply?.reject(closed(tx))
        else s.waiting.push({ msg, reply })
        return s
      }
      if (s.tx === undefined && tx !== undefined) {
        reply?.reject(closed(tx))
        return s
      }
      return run(s, msg, reply, ctx, options)
    },
    stop: async (s) => {
      for (const w of s.waiting) w.reply?.reject(new LocalDbError('DB_CLOSED', 'the local DB stopped'))
      await s.store.close()
    },
    options: { mailboxCapacity: 10_000, overflow: 'reject' },
  }
}

function closed(tx: number): LocalDbError {
  return new LocalDbError(
    'TRANSACTION_CLOSED',
    `transaction ${tx} is not open (committed, rolled back or timed out)`,
  )
}

function startPusher(s: State, ctx: ActorContext<Msg>, options: LocalDbOptions): void {
  if (options.sync === undefined) return
  const sync = options.sync
  const db = ctx.self as unknown as ActorRef<LocalDbMsg>
  // The pusher's module (and the DynamoDB SDK) loads only when sync is on.
  s.pusher = ctx.spawn(
    'sync',
    lazyBehavior(() => import('./sync/outboxPusher.ts').then((m) => m.outboxPusher(sync, db))) as never,
  )
  ctx.watch(s.pusher as unknown as ActorRef<never>)
}

/** Handles `msg`, then whatever waited for the transaction that just ended. */
async function run(
  s: State,
  msg: LocalDbMsg,
  reply: Reply | undefined,
  ctx: ActorContext<Msg>,
  options: LocalDbOptions,
): Promise<State> {
  await dispatch(s, msg, reply, ctx, options)
  while (s.tx === undefined && s.waiting.length > 0) {
    const next = s.waiting.shift()!
    await dispatch(s, next.msg, next.reply, ctx, options)
  }
  return s
}

async function dispatch(
  s: State,
  msg: LocalDbMsg,
  reply: Reply | undefined,
  ctx: ActorContext<Msg>,
  options: LocalDbOptions,
): Promise<void> {
  try {
    const value = await handle(s, msg, ctx, options)
    reply?.resolve(value)
  } catch (e) {
    reply?.reject(e)
    if (!(e instanceof LocalDbError)) ctx.fail(e)
  }
  if (s.tx === undefined && !s.store.inUnit && s.store.wantsCheckpoint) checkpoint(s, ctx)
}

function checkpoint(s: State, ctx: ActorContext<Msg>): void {
  s.store
    .checkpoint()
    .catch((e: unknown) => ctx.log.error({ error: String(e) }, `local DB checkpoint failed; will retry`))
}

async function handle(
  s: State,
  msg: LocalDbMsg,
  ctx: ActorContext<Msg>,
  options: LocalDbOptions,
): Promise<unknown> {
  const store = s.store
  switch (msg.type) {
    case 'execute': {
      if (typeof msg.sql !== 'string')
        throw new LocalDbError('INVALID_ARGUMENT', `sql: expected a string, found ${typeof msg.sql}`)
      const params = toSqlParams(msg.params, 'params')
      if (!s.checked.has(msg.sql)) {
        checkAllowed(msg.sql)
        const n = store.statementCount(msg.sql)
        if (n !== 1) throw new LocalDbError('NOT_ALLOWED', `sql: expected exactly one statement, found ${n}`)
        if (s.checked.size > 1000) s.checked.clear()
        s.checked.add(msg.sql)
      }
      return msg.tx !== undefined ? store.step(msg.sql, params) : await store.execute(msg.sql, params)
    }
    case 'insert':
    case 'update':
    case 'delete': {
      const { result, queued } = await changeRows(store, msg, msg.tx !== undefined)
      if (queued > 0) {
        if (msg.tx === undefined) s.pusher?.tell({ type: 'kick' })
        else if (s.tx !== undefined) s.tx.synced = true
      }
      return result
    }
    case 'insertMany': {
      if (!Array.isArray(msg.rows))
        throw new LocalDbError(
          'INVALID_ARGUMENT',
          `rows: expected an array of rows, found ${typeof msg.rows}`,
        )
      const own = msg.tx === undefined
      if (own) store.begin()
      let queued = 0
      try {
        for (const data of msg.rows)
          queued += (
            await changeRows(
              store,
              {
                type: 'insert',
                table: msg.table,
                data,
                ...(msg.sync === undefined ? {} : { sync: msg.sync }),
              },
              true,
            )
          ).queued
      } catch (e) {
        if (own) store.rollback()
        throw e
      }
      if (own) await store.commit()
      if (queued > 0) {
        if (own) s.pusher?.tell({ type: 'kick' })
        else if (s.tx !== undefined) s.tx.synced = true
      }
      return { changes: msg.rows.length }
    }
    case 'begin': {
      store.begin()
      const id = ++s.nextTx
      const cancel = ctx.setTimeout(
        () => ctx.self.tell({ type: 'txExpired', tx: id }),
        options.transactionTimeoutMs,
      )
      s.tx = { id, cancel, synced: false }
      return id
    }
    case 'commit':
    case 'rollback': {
      const tx = s.tx!
      s.tx = undefined
      tx.cancel()
      if (msg.type === 'rollback') store.rollback()
      else {
        await store.commit()
        if (tx.synced) s.pusher?.tell({ type: 'kick' })
      }
      return { ok: true }
    }
    case 'txExpired':
      if (s.tx?.id === msg.tx) {
        ctx.log.warn(
          { tx: msg.tx },
          `local DB transaction ${msg.tx} timed out after ${options.transactionTimeoutMs} ms; rolled back`,
        )
        s.tx = undefined
        store.rollback()
      }
      return undefined
    case 'migrate':
      return runMigrations(store, msg.owner, msg.migrations)
    case 'outboxPeek':
      return peek(store, msg.limit)
    case 'outboxAck':
      await ack(store, msg.ids)
      return { ok: true }
    case 'syncStatus':
      s.syncStatus = msg.status
      return undefined
    case 'checkpoint':
      if (!store.inUnit && store.stats.journalBytes > 0) checkpoint(s, ctx)
      return undefined
    case 'health':
      return health(s, options)
  }
}

function health(s: State, options: LocalDbOptions): Record<string, unknown> {
  const st = s.store.stats
  const sync = options.sync
  return {
    status: st.lastCheckpointError === undefined ? 'healthy' : 'warning',
    ...(st.lastCheckpointError === undefined
      ? {}
      : { error: `checkpoint failed: ${st.lastCheckpointError}` }),
    connection: { path: options.path, connected: true },
    machine_info: { machine_id: options.machineId ?? null },
    journal: {
      bytes: st.journalBytes,
      last_seq: st.lastSeq,
      checkpoints: st.checkpoints,
      last_checkpoint_ms: st.lastCheckpointMs ?? null,
      recovered_records: st.recoveredRecords,
      dropped_bytes: st.droppedBytes,
      last_checkpoint_error: st.lastCheckpointError ?? null,
    },
    transaction_open: s.tx !== undefined,
    waiting: s.waiting.length,
    ...(sync === undefined
      ? {}
      : {
          sync: {
            enabled: true,
            queue_depth: depth(s.store),
            state: s.syncStatus?.state ?? 'idle',
            pushed: s.syncStatus?.pushed ?? 0,
            last_error: s.syncStatus?.lastError ?? null,
            next_retry_ms: s.syncStatus?.nextRetryMs ?? null,
          },
        }),
  }
}
