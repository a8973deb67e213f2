/**
 * Offline sync (issue 5): local writes marked `sync` land in the outbox with the change and are
 * pushed to DynamoDB Local by the pusher. DynamoDB unreachable (every connection refused, through
 * a fault proxy) during 1000 synced writes, then back, with the connections cut again mid-drain
 * (requests DynamoDB may have applied lose their answers): all 1000 items arrive exactly once (one
 * item per write, each at the version of its outbox entry) and the queue drains to 0; a
 * re-delivered older entry never overwrites a newer version.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocalDbProxy, type StandaloneLocalDb } from '../../../actors/localdb/createLocalDbProxy.ts'
import { createTable, rawDynamo, scanAll } from '../../support/dynamoTables.ts'
import { type FaultProxy, startFaultProxy } from '../../support/faultProxy.ts'
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/servers/dynamodbLocal.ts'

let ddb: DynamoDbLocal
let fault: FaultProxy
let raw: DynamoDBClient

interface SyncHealth {
  queue_depth: number
  state: string
  pushed: number
  last_error: string | null
}

async function syncHealth(s: StandaloneLocalDb): Promise<SyncHealth> {
  return (await s.health()).sync as SyncHealth
}

async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function localDb(): Promise<StandaloneLocalDb> {
  return createLocalDbProxy({
    path: join(mkdtempSync(join(tmpdir(), 'petal-sync-')), 'petal.db'),
    machineId: 'drone-S',
    sync: {
      cloud: {
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${fault.port}`,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        deviceScoping: true,
        requestTimeoutMs: 3000,
        machineId: 'drone-S',
      },
      batchSize: 100,
      concurrency: 8,
      minBackoffMs: 100,
      maxBackoffMs: 500,
    },
  })
}

beforeAll(async () => {
  ddb = await startDynamoDbLocal()
  fault = await startFaultProxy(ddb.port)
  raw = rawDynamo(ddb.endpoint)
  await createTable(raw, 'telemetry')
  await createTable(raw, 'settings')
}, 120_000)

afterAll(async () => {
  raw?.destroy()
  await fault?.close()
  await ddb?.stop()
})

describe('offline sync to DynamoDB', () => {
  it('DynamoDB unreachable during 1000 synced writes, then back: all 1000 items present exactly once', async () => {
    const s = await localDb()
    await s.db.executeQuery('CREATE TABLE telemetry (id TEXT PRIMARY KEY, n INTEGER, note TEXT)')
    fault.down()
    for (let n = 0; n < 1000; n++) {
      if (n % 100 === 99) {
        await s.db.transaction(async (tx) => {
          await tx.insert('telemetry', { id: `t${n}`, n, note: 'in a transaction' }, { sync: true })
        })
      } else {
        await s.db.insert('telemetry', { id: `t${n}`, n, note: 'plain' }, { sync: true })
      }
    }
    await until(
      'the pusher to notice the outage',
      10_000,
      async () => (await syncHealth(s)).state === 'offline',
    )
    const offline = await syncHealth(s)
    expect(offline.queue_depth).toBeGreaterThan(0)
    expect(offline.last_error).not.toBeNull()

    fault.up()
    const cut = fault.cutAfter(40_000, 300)
    await until('the outbox to drain', 60_000, async () => (await syncHealth(s)).queue_depth === 0)
    await cut
    const items = await scanAll(raw, 'telemetry')
    expect(items.length).toBe(1000)
    const ids = new Set(items.map((i) => i.id))
    expect(ids.size).toBe(1000)
    for (let n = 0; n < 1000; n++) expect(ids.has(`t${n}`)).toBe(true)
    const versions = new Set(items.map((i) => i._sync_version))
    expect(versions.size).toBe(1000)
    expect(items.every((i) => i.robot_instance_id === 'drone-S')).toBe(true)
    expect((await syncHealth(s)).pushed).toBe(1000)
    await s.close()
  }, 120_000)

  it('updates and deletes push the latest image, and a re-delivered older entry changes nothing', async () => {
    const s = await localDb()
    await s.db.executeQuery('CREATE TABLE settings (id TEXT PRIMARY KEY, value TEXT)')
    await s.db.insert('settings', { id: 'mode', value: 'v1' }, { sync: true })
    await s.db.update('settings', { value: 'v2' }, { id: 'mode' }, { sync: true })
    await s.db.insert('settings', { id: 'gone', value: 'x' }, { sync: true })
    await s.db.delete('settings', { id: 'gone' }, { sync: true })
    await until('the outbox to drain', 20_000, async () => (await syncHealth(s)).queue_depth === 0)
    const stored = await scanAll(raw, 'settings')
    const mode = stored.find((i) => i.id === 'mode')!
    expect(mode).toMatchObject({ value: 'v2', robot_instance_id: 'drone-S' })
    expect(stored.find((i) => i.id === 'gone')).toMatchObject({ deleted: true })

    // deliver the first (older) image again, as a crash between push and acknowledgement would
    await s.db.executeQuery(
      'INSERT INTO _petal_outbox (id, cloud_table, item, created_at) VALUES (?, ?, ?, ?)',
      [1, 'settings', JSON.stringify({ id: 'mode', value: 'v1' }), Date.now()],
    )
    await s.db.insert('settings', { id: 'kick', value: 'k' }, { sync: true })
    await until('the outbox to drain again', 20_000, async () => (await syncHealth(s)).queue_depth === 0)
    const again = (await scanAll(raw, 'settings')).find((i) => i.id === 'mode')!
    expect(again).toEqual(mode)
    await s.close()
  }, 60_000)
})
