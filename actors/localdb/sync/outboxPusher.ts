/**
 * The outbox pusher: a child of the `db` actor that pushes outbox entries to DynamoDB with
 * versioned, idempotent puts (`actors/clouddb/versionedPut.ts`), `concurrency` at a time, and
 * acknowledges them in the local DB once DynamoDB has them. A round runs when woken by a change
 * and drains the outbox; when a push fails (offline, throttled, table missing) it reports
 * `offline` and retries with exponential backoff (`minBackoffMs` doubling to `maxBackoffMs`, 20%
 * jitter), ignoring wake-ups meanwhile. With device scoping on, each item is stamped with
 * `robot_instance_id`. Nothing is lost (entries leave the outbox only after DynamoDB has them) and
 * nothing is applied twice (the version condition).
 */
import type { ActorContext, ActorRef, Behavior } from '../../../runtime/kernel/index.ts'
import { backoffDelay, describeError, resolveBackoff } from '../../../runtime/kernel/index.ts'
import { createDynamoClients, type DynamoClients } from '../../clouddb/dynamoClient.ts'
import { versionedPut } from '../../clouddb/versionedPut.ts'
import type { LocalDbMsg, OutboxEntry, SyncStatus } from '../localDbMessages.ts'
import type { SyncOptions } from '../localDbOptions.ts'

/** Messages of the pusher. */
export type PusherMsg = { readonly type: 'kick' } | { readonly type: 'round' }

interface State {
  readonly clients: DynamoClients
  scheduled: boolean
  retryAt: number | undefined
  attempt: number
  pushed: number
  lastError: string | undefined
}

/**
 * The behaviour of the pusher.
 *
 * @category constructors
 */
export function outboxPusher(options: SyncOptions, db: ActorRef<LocalDbMsg>): Behavior<State, PusherMsg> {
  const backoff = resolveBackoff({ minMs: options.minBackoffMs, maxMs: options.maxBackoffMs, jitter: 0.2 })
  const report = (s: State, state: SyncStatus['state'], now: number): void => {
    db.tell({
      type: 'syncStatus',
      status: {
        state,
        pushed: s.pushed,
        lastError: s.lastError,
        nextRetryMs: s.retryAt === undefined ? undefined : Math.max(0, s.retryAt - now),
      },
    })
  }
  return {
    init: (ctx) => {
      const clients = createDynamoClients(options.cloud)
      ctx.onCleanup(() => clients.raw.destroy())
      const s: State = {
        clients,
        scheduled: true,
        retryAt: undefined,
        attempt: 0,
        pushed: 0,
        lastError: undefined,
      }
      ctx.self.tell({ type: 'round' })
      return s
    },
    receive: async (s, msg, ctx) => {
      if (msg.type === 'kick') {
        if (!s.scheduled && s.retryAt === undefined) {
          s.scheduled = true
          ctx.self.tell({ type: 'round' })
        }
        return s
      }
      s.scheduled = false
      s.retryAt = undefined
      report(s, 'pushing', ctx.clock.now())
      const failure = await drain(s, options, db)
      if (failure === undefined) {
        s.attempt = 0
        s.lastError = undefined
        report(s, 'idle', ctx.clock.now())
        return s
      }
      const delay = backoffDelay(s.attempt++, backoff, Math.random)
      s.lastError = failure
      s.retryAt = ctx.clock.now() + delay
      ctx.log.warn(
        { error: failure, retry_in_ms: Math.round(delay) },
        'outbox push failed; retrying with backoff',
      )
      report(s, 'offline', ctx.clock.now())
      ;(ctx as ActorContext<PusherMsg>).setTimeout(() => ctx.self.tell({ type: 'round' }), delay)
      return s
    },
  }
}

/** Pushes until the outbox is empty (undefined) or a push fails (its error). */
async function drain(s: State, options: SyncOptions, db: ActorRef<LocalDbMsg>): Promise<string | undefined> {
  const scope = options.cloud.deviceScoping ? options.cloud.machineId : undefined
  for (;;) {
    const entries = await db.ask<OutboxEntry[]>(
      { type: 'outboxPeek', limit: options.batchSize },
      { timeoutMs: 30_000 },
    )
    if (entries.length === 0) return undefined
    const done: number[] = []
    let failure: string | undefined
    let next = 0
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < entries.length) {
        const e = entries[next++]!
        const item = scope === undefined ? e.item : { ...e.item, robot_instance_id: scope }
        try {
          await versionedPut(s.clients.doc, e.table, item, e.id)
          done.push(e.id)
        } catch (err) {
          failure = `${e.table} entry ${e.id}: ${describeError(err)}`
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(options.concurrency, entries.length) }, worker))
    if (done.length > 0) {
      await db.ask({ type: 'outboxAck', ids: done }, { timeoutMs: 30_000 })
      s.pushed += done.length
    }
    if (failure !== undefined) return failure
  }
}
