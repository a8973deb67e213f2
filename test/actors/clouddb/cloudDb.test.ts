/**
 * The `cloud` proxy against AWS's DynamoDB Local (issue 5): every method, device scoping as the
 * original does it (stamp, filter, soft delete, other devices' items refused), pagination by hand
 * and followed, a 26-item batch (two requests), scoping switched off, bad input, and an
 * unreachable endpoint reported as a typed failure and in health.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCloudDbProxy, type StandaloneCloudDb } from '../../../actors/clouddb/createCloudDbProxy.ts'
import { createTable, rawDynamo, scanAll } from '../../support/dynamoTables.ts'
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/servers/dynamodbLocal.ts'

let ddb: DynamoDbLocal
let raw: DynamoDBClient
let mine: StandaloneCloudDb
let other: StandaloneCloudDb

const proxy = (machineId: string | undefined, deviceScoping = true) =>
  createCloudDbProxy({
    endpoint: ddb.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    machineId,
    deviceScoping,
  })

beforeAll(async () => {
  ddb = await startDynamoDbLocal()
  raw = rawDynamo(ddb.endpoint)
  for (const t of ['flights', 'pages', 'batch', 'unscoped']) await createTable(raw, t)
  mine = await proxy('drone-A')
  other = await proxy('drone-B')
}, 120_000)

afterAll(async () => {
  await mine?.close()
  await other?.close()
  raw?.destroy()
  await ddb?.stop()
})

describe('cloud DB methods with device scoping', () => {
  it('put, get, update, scan and soft delete, as the original scopes them', async () => {
    const c = mine.cloud
    expect(await c.putItem('flights', { id: 'f1', status: 'done', duration: 312 })).toEqual({
      success: true,
      data: { id: 'f1', status: 'done', duration: 312, robot_instance_id: 'drone-A' },
    })
    await c.putItem('flights', { id: 'f2', status: 'planned' })
    expect(await c.getItem('flights', { id: 'f1' })).toMatchObject({
      success: true,
      data: { duration: 312, robot_instance_id: 'drone-A' },
    })
    expect(await c.updateItem('flights', { id: 'f1' }, { duration: 400, pilot: 'kim' })).toMatchObject({
      success: true,
      data: { id: 'f1', duration: 400, pilot: 'kim', status: 'done' },
    })
    const byList = await c.scanTable('flights', [{ filter_key_name: 'status', filter_key_value: 'done' }])
    expect(byList.success && byList.data.map((i) => i.id)).toEqual(['f1'])
    const byObject = await c.scanTable('flights', { status: 'planned' })
    expect(byObject.success && byObject.data.map((i) => i.id)).toEqual(['f2'])

    expect(await c.deleteItem('flights', { id: 'f2' })).toMatchObject({
      success: true,
      data: { deleted: true },
    })
    expect(await c.getItem('flights', { id: 'f2' })).toEqual({
      success: false,
      code: 'NOT_FOUND',
      error: 'Item not found or has been deleted',
    })
    const all = await c.scanTable('flights')
    expect(all.success && all.data.map((i) => i.id)).toEqual(['f1'])
    expect(await c.deleteItem('flights', { id: 'nope' })).toMatchObject({
      success: false,
      error: 'Item not found',
    })
    // the soft-deleted item is still stored, marked
    expect((await scanAll(raw, 'flights')).find((i) => i.id === 'f2')).toMatchObject({ deleted: true })
  })

  it("another device's items are invisible and cannot be changed", async () => {
    await other.cloud.putItem('flights', { id: 'b1', status: 'done' })
    expect(await mine.cloud.getItem('flights', { id: 'b1' })).toEqual({
      success: false,
      code: 'ACCESS_DENIED',
      error: 'Item not found or access denied',
    })
    expect(await mine.cloud.updateItem('flights', { id: 'b1' }, { status: 'stolen' })).toMatchObject({
      code: 'ACCESS_DENIED',
    })
    expect(await mine.cloud.putItem('flights', { id: 'b1', status: 'overwritten' })).toMatchObject({
      code: 'ACCESS_DENIED',
    })
    expect(await mine.cloud.deleteItem('flights', { id: 'b1' })).toMatchObject({ success: false })
    const scan = await mine.cloud.scanTable('flights', { status: 'done' })
    expect(scan.success && scan.data.map((i) => i.id)).toEqual(['f1'])
    expect(await other.cloud.getItem('flights', { id: 'b1' })).toMatchObject({
      success: true,
      data: { status: 'done' },
    })
  })

  it('scanTable pages by hand with next_key, and follows pages with all: true', async () => {
    for (let i = 0; i < 30; i++)
      await mine.cloud.putItem('pages', { id: `p${String(i).padStart(2, '0')}`, n: i })
    await other.cloud.putItem('pages', { id: 'zz-other', n: 99 })
    const seen: string[] = []
    let startKey: Record<string, unknown> | undefined
    let pages = 0
    do {
      const r = await mine.cloud.scanTable('pages', [], {
        pageSize: 7,
        ...(startKey === undefined ? {} : { startKey }),
      })
      if (!r.success) throw new Error(r.error)
      seen.push(...r.data.map((i) => String(i.id)))
      startKey = r.next_key ?? undefined
      pages++
    } while (startKey !== undefined)
    expect(seen.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `p${String(i).padStart(2, '0')}`))
    expect(pages).toBeGreaterThanOrEqual(5)
    const followed = await mine.cloud.scanTable('pages', [], { pageSize: 7, all: true })
    expect(followed.success && followed.data.length).toBe(30)
    expect(followed.success && followed.scanned_pages).toBeGreaterThanOrEqual(5)
  })

  it('batchWrite of 26 items goes out as two requests and stores all 26, stamped', async () => {
    const items = Array.from({ length: 26 }, (_, i) => ({ id: `b${i}`, n: i }))
    const r = await mine.cloud.batchWrite('batch', items)
    expect(r).toMatchObject({ success: true, data: { written: 26 } })
    expect(r.success && r.data.requests).toBeGreaterThanOrEqual(2)
    const stored = await scanAll(raw, 'batch')
    expect(stored.length).toBe(26)
    expect(stored.every((i) => i.robot_instance_id === 'drone-A')).toBe(true)
  })
})

describe('cloud DB without scoping, bad input, and outages', () => {
  it('with scoping off, items are written as given and deletes are real', async () => {
    const plain = await proxy(undefined, false)
    expect(await plain.cloud.putItem('unscoped', { id: 'u1', v: 1 })).toEqual({
      success: true,
      data: { id: 'u1', v: 1 },
    })
    expect(await plain.cloud.deleteItem('unscoped', { id: 'u1' })).toMatchObject({
      success: true,
      data: { id: 'u1' },
    })
    expect(await scanAll(raw, 'unscoped')).toEqual([])
    await plain.close()
  })

  it('bad input is a typed failure and writes nothing; scoping without a machine id is refused', async () => {
    const before = await scanAll(raw, 'flights')
    const cases: [Promise<{ success: boolean; code?: string }>, string][] = [
      [mine.cloud.putItem('x', { id: '1' }), 'VALIDATION_ERROR'],
      [mine.cloud.putItem('flights; drop', { id: '1' }), 'VALIDATION_ERROR'],
      [mine.cloud.getItem('flights', {}), 'VALIDATION_ERROR'],
      [mine.cloud.updateItem('flights', { id: 'f1' }, {}), 'VALIDATION_ERROR'],
      [mine.cloud.batchWrite('flights', [{ id: 'ok' }, [] as never]), 'VALIDATION_ERROR'],
      [mine.cloud.putItem('missing-table', { id: '1' }), 'TABLE_NOT_FOUND'],
      [mine.cloud.putItem('flights', { noKey: 1 }), 'VALIDATION_ERROR'],
    ]
    for (const [call, code] of cases) expect(await call).toMatchObject({ success: false, code })
    expect(await scanAll(raw, 'flights')).toEqual(before)
    const anonymous = await proxy(undefined)
    expect(await anonymous.cloud.putItem('flights', { id: 'z' })).toEqual({
      success: false,
      code: 'MACHINE_ID_MISSING',
      error: 'Machine ID not available',
    })
    await anonymous.close()
  })

  it('an unreachable endpoint gives UNAVAILABLE and unhealthy health, without throwing', async () => {
    const dead = await createCloudDbProxy({
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      machineId: 'm',
      requestTimeoutMs: 2000,
    })
    expect(await dead.cloud.getItem('flights', { id: 'f1' })).toMatchObject({
      success: false,
      code: 'UNAVAILABLE',
    })
    expect(await dead.health()).toMatchObject({ status: 'unhealthy', connection: { connected: false } })
    await dead.close()
  })
})
