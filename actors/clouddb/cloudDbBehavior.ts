/**
 * The `cloud` actor. The DynamoDB client is concurrent, so each call starts its operation and
 * replies when it completes (`replyWith`). Health is cached from real calls (plus one ListTables
 * at start): a call that reached DynamoDB marks it reachable, a network failure marks it not; the
 * health path never touches the network.
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb'
import type { ActorContext, Behavior } from '../../runtime/kernel/index.ts'
import { batchWrite } from './batchWrite.ts'
import type { CloudDbMsg } from './cloudDbMessages.ts'
import type { CloudDbOptions } from './cloudDbOptions.ts'
import { type CloudFailure, unreachable } from './cloudResults.ts'
import { isFailure, type Scope, scopeOf } from './deviceScope.ts'
import { createDynamoClients, type DynamoClients } from './dynamoClient.ts'
import { deleteItem, getItem, putItem, updateItem } from './itemOperations.ts'
import { scanTable } from './scanTable.ts'

interface State {
  readonly clients: DynamoClients
  reachable: boolean | undefined
  lastError: string | undefined
  calls: number
}

/**
 * The behaviour of the `cloud` actor.
 *
 * @category constructors
 */
export function cloudDbBehavior(o: CloudDbOptions): Behavior<State, CloudDbMsg> {
  return {
    init: (ctx) => {
      const clients = createDynamoClients(o)
      ctx.onCleanup(() => clients.raw.destroy())
      clients.raw.send(new ListTablesCommand({ Limit: 1 })).then(
        () => ctx.self.tell({ type: 'outcome', reachable: true }),
        (e: unknown) =>
          ctx.self.tell({ type: 'outcome', reachable: false, error: `ListTables: ${(e as Error).message}` }),
      )
      return { clients, reachable: undefined, lastError: undefined, calls: 0 }
    },
    receive: (s, msg, ctx) => {
      if (msg.type === 'outcome') {
        s.reachable = msg.reachable
        if (!msg.reachable) s.lastError = msg.error
        return s
      }
      if (msg.type === 'health') {
        ctx.reply(health(s, o))
        return s
      }
      const scope = scopeOf(o.deviceScoping, o.machineId)
      if (isFailure(scope)) {
        ctx.reply(scope)
        return s
      }
      s.calls++
      track(ctx, run(s.clients, scope, msg))
      return s
    },
  }
}

function run(
  c: DynamoClients,
  scope: Scope,
  msg: Exclude<CloudDbMsg, { type: 'outcome' | 'health' }>,
): Promise<{ success: boolean }> {
  switch (msg.type) {
    case 'scan':
      return scanTable(c.doc, scope, msg.table, msg.filters as never, msg.options)
    case 'get':
      return getItem(c.doc, scope, msg.table, msg.key)
    case 'put':
      return putItem(c.doc, scope, msg.table, msg.item)
    case 'update':
      return updateItem(c.doc, scope, msg.table, msg.key, msg.updates)
    case 'delete':
      return deleteItem(c.doc, scope, msg.table, msg.key)
    case 'batch':
      return batchWrite(c.doc, scope, msg.table, msg.items)
  }
}

function track(ctx: ActorContext<CloudDbMsg>, result: Promise<{ success: boolean }>): void {
  ctx.replyWith(
    result.then((r) => {
      const down = !r.success && unreachable(r as CloudFailure)
      ctx.self.tell({
        type: 'outcome',
        reachable: !down,
        ...(down ? { error: (r as CloudFailure).error } : {}),
      })
      return r
    }),
  )
}

function health(s: State, o: CloudDbOptions): Record<string, unknown> {
  return {
    status: s.reachable === false ? 'unhealthy' : 'healthy',
    connection: {
      endpoint: o.endpoint ?? `dynamodb.${o.region}.amazonaws.com`,
      region: o.region,
      connected: s.reachable ?? null,
    },
    authentication: {
      credentials: o.credentials === undefined ? 'aws-default-chain' : 'PETAL_CLOUD_ACCESS_KEY_ID',
    },
    machine_info: { machine_id: o.machineId ?? null },
    configuration: { device_scoping: o.deviceScoping, request_timeout: o.requestTimeoutMs / 1000 },
    calls: s.calls,
    ...(s.reachable === false ? { error: s.lastError ?? 'DynamoDB not reachable' } : {}),
  }
}
