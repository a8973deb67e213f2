/**
 * The `db` proxy through its facade (issue 5): the guide's methods, transactions (commit,
 * rollback, isolation, time limit), per-petal migrations applied once, and bad input (SQL
 * injection through values, identifiers and where, statements it refuses): a clear error and
 * nothing written.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createLocalDbProxy, type StandaloneLocalDb } from '../../../actors/localdb/createLocalDbProxy.ts'
import { LocalDbError } from '../../../actors/localdb/LocalDbError.ts'

const open: StandaloneLocalDb[] = []
async function fresh(
  extra: { transactionTimeoutMs?: number } = {},
): Promise<StandaloneLocalDb & { path: string }> {
  const path = join(mkdtempSync(join(tmpdir(), 'petal-localdb-')), 'petal.db')
  const s = await createLocalDbProxy({ path, ...extra })
  open.push(s)
  await s.db.executeQuery('CREATE TABLE flights (id INTEGER PRIMARY KEY, name TEXT, meta TEXT, ok INTEGER)')
  return { ...s, path }
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

async function rejection(p: Promise<unknown>): Promise<LocalDbError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(LocalDbError)
  return e as LocalDbError
}

describe('db proxy facade', () => {
  it('insert, fetchOne, fetchAll, update, delete and executeQuery work and persist across a reopen', async () => {
    const { db, path, close } = await fresh()
    const a = await db.insert('flights', { name: 'survey', meta: { alt: 120 }, ok: true })
    await db.insert('flights', { name: 'mapping', meta: null, ok: false })
    expect(a).toEqual({ changes: 1, lastInsertRowid: 1 })
    expect(await db.fetchOne('SELECT * FROM flights WHERE id = ?', [1])).toEqual({
      id: 1,
      name: 'survey',
      meta: '{"alt":120}',
      ok: 1,
    })
    expect(await db.update('flights', { name: 'survey 2' }, { id: 1 })).toEqual({ changes: 1 })
    expect(await db.delete('flights', { id: [2, 3] })).toEqual({ changes: 1 })
    expect((await db.executeQuery('UPDATE flights SET ok = ? WHERE meta IS NOT NULL', [0])).changes).toBe(1)
    await close()
    open.pop()
    const again = await createLocalDbProxy({ path })
    open.push(again)
    expect(await again.db.fetchAll('SELECT id, name, ok FROM flights')).toEqual([
      { id: 1, name: 'survey 2', ok: 0 },
    ])
  })

  it('insertMany writes every row as one unit, or none when one row is refused', async () => {
    const { db } = await fresh()
    expect(await db.insertMany('flights', [{ name: 'a' }, { name: 'b', ok: true }])).toEqual({ changes: 2 })
    const bad = await rejection(db.insertMany('flights', [{ name: 'c' }, { 'bad name': 'd' }]))
    expect(bad.code).toBe('INVALID_IDENTIFIER')
    expect((await db.fetchAll('SELECT name FROM flights')).map((r) => r.name)).toEqual(['a', 'b'])
  })

  it('a transaction commits as one unit, and a throw rolls every statement back', async () => {
    const { db } = await fresh()
    await db.transaction(async (tx) => {
      await tx.insert('flights', { name: 'a' })
      await tx.insert('flights', { name: 'b' })
      expect((await tx.fetchAll('SELECT * FROM flights')).length).toBe(2)
    })
    await expect(
      db.transaction(async (tx) => {
        await tx.insert('flights', { name: 'c' })
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    expect((await db.fetchAll('SELECT name FROM flights')).map((r) => r.name)).toEqual(['a', 'b'])
  })

  it('other callers wait until the open transaction ends, so they never see half of it', async () => {
    const { db } = await fresh()
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const txDone = db.transaction(async (tx) => {
      await tx.insert('flights', { name: 'first' })
      await gate
      await tx.insert('flights', { name: 'second' })
    })
    await new Promise((r) => setTimeout(r, 20))
    const seen = db.fetchAll('SELECT name FROM flights')
    release()
    await txDone
    expect((await seen).map((r) => r.name)).toEqual(['first', 'second'])
  })

  it('a transaction past its time limit is rolled back and its later calls fail', async () => {
    const { db } = await fresh({ transactionTimeoutMs: 100 })
    const err = await rejection(
      db.transaction(async (tx) => {
        await tx.insert('flights', { name: 'slow' })
        await new Promise((r) => setTimeout(r, 250))
        await tx.insert('flights', { name: 'late' })
      }),
    )
    expect(err.code).toBe('TRANSACTION_CLOSED')
    expect(await db.fetchAll('SELECT * FROM flights')).toEqual([])
  })

  it('migrations apply once per owner, in version order, and a failing one changes nothing', async () => {
    const { db } = await fresh()
    const migrations = [
      { version: 2, up: 'ALTER TABLE logs ADD COLUMN size INTEGER' },
      {
        version: 1,
        up: 'CREATE TABLE logs (id INTEGER PRIMARY KEY, key TEXT); CREATE INDEX logs_key ON logs(key)',
      },
    ]
    expect(await db.migrate('petal-a', migrations)).toEqual({ owner: 'petal-a', applied: [1, 2], current: 2 })
    expect(await db.migrate('petal-a', migrations)).toEqual({ owner: 'petal-a', applied: [], current: 2 })
    const bad = await rejection(
      db.migrate('petal-a', [...migrations, { version: 3, up: ['CREATE TABLE t3 (x)', 'NOT SQL'] }]),
    )
    expect(bad.code).toBe('MIGRATION_FAILED')
    expect(await db.fetchOne("SELECT name FROM sqlite_master WHERE name = 't3'")).toBeUndefined()
    expect(await db.migrate('petal-b', [{ version: 1, up: 'CREATE TABLE b (x)' }])).toMatchObject({
      applied: [1],
    })
  })
})

describe('db proxy refuses bad input and writes nothing', () => {
  const injection = "x'); DROP TABLE flights; --"

  it('values carrying SQL are stored as plain values', async () => {
    const { db } = await fresh()
    await db.insert('flights', { name: injection })
    await db.update('flights', { meta: injection }, { name: injection })
    await db.delete('flights', { name: `${injection} OR 1=1` })
    expect(await db.fetchAll('SELECT name, meta FROM flights')).toEqual([
      { name: injection, meta: injection },
    ])
  })

  it('identifiers that are not plain names are refused before any SQL runs', async () => {
    const { db } = await fresh()
    const cases = [
      db.insert('flights; DROP TABLE flights', { name: 'x' }),
      db.insert('flights', { 'name) VALUES (1); DROP TABLE flights; --': 'x' }),
      db.update('flights', { name: 'x' }, { '1=1 OR id': 1 }),
      db.delete('flights', { 'id = id --': 1 }),
      db.insert('_petal_outbox', { item: 'x' }),
    ]
    for (const c of cases) expect(['INVALID_IDENTIFIER', 'NOT_ALLOWED']).toContain((await rejection(c)).code)
    expect(await db.fetchOne("SELECT count(*) AS n FROM sqlite_master WHERE name = 'flights'")).toEqual({
      n: 1,
    })
    expect(await db.fetchAll('SELECT * FROM flights')).toEqual([])
  })

  it('executeQuery refuses several statements, transaction control and ATTACH; update/delete refuse an empty where', async () => {
    const { db } = await fresh()
    const cases: [Promise<unknown>, string][] = [
      [db.executeQuery("INSERT INTO flights(name) VALUES ('a'); DROP TABLE flights"), 'NOT_ALLOWED'],
      [db.executeQuery('BEGIN'), 'NOT_ALLOWED'],
      [db.executeQuery("ATTACH DATABASE '/tmp/x.db' AS x"), 'NOT_ALLOWED'],
      [db.update('flights', { name: 'x' }, {}), 'INVALID_ARGUMENT'],
      [db.delete('flights', {}), 'INVALID_ARGUMENT'],
      [db.insert('flights', { name: () => 1 } as never), 'INVALID_ARGUMENT'],
      [db.executeQuery('SELECT ?', [Number.NaN]), 'INVALID_ARGUMENT'],
      [db.executeQuery('SELEC nonsense'), 'SQL_ERROR'],
    ]
    for (const [c, code] of cases) {
      const e = await rejection(c)
      expect(e.code, e.message).toBe(code)
      expect(e.message.length).toBeGreaterThan(10)
    }
    expect(await db.fetchAll('SELECT * FROM flights')).toEqual([])
  })
})

describe('db proxy options', () => {
  it('reads PETAL_LOCAL_DB_* relative to the config dir and reports bad values as issues', async () => {
    const { parseLocalDbOptions } = await import('../../../actors/localdb/localDbOptions.ts')
    const ok = parseLocalDbOptions({ env: {}, configDir: '/etc/petal', machineId: 'm1' })
    expect(ok).toMatchObject({
      options: { path: '/etc/petal/data/petal.db', checkpointBytes: 8 * 1024 * 1024, sync: undefined },
    })
    const bad = parseLocalDbOptions({
      env: {
        PETAL_LOCAL_DB_CHECKPOINT_BYTES: 'lots',
        PETAL_LOCAL_DB_SYNC: 'maybe',
        PETAL_LOCAL_DB_TX_TIMEOUT: '-1',
      },
      configDir: '/',
      machineId: undefined,
    })
    expect('issues' in bad && bad.issues.map((i) => i.key)).toEqual([
      'PETAL_LOCAL_DB_CHECKPOINT_BYTES',
      'PETAL_LOCAL_DB_TX_TIMEOUT',
      'PETAL_LOCAL_DB_SYNC',
    ])
    const noMachine = parseLocalDbOptions({
      env: { PETAL_LOCAL_DB_SYNC: 'true' },
      configDir: '/',
      machineId: undefined,
    })
    expect(noMachine).toMatchObject({ issues: [{ key: 'PETAL_MACHINE_ID', found: 'nothing' }] })
    const unscoped = parseLocalDbOptions({
      env: {
        PETAL_LOCAL_DB_SYNC: 'yes',
        PETAL_CLOUD_DEVICE_SCOPING: 'false',
        PETAL_CLOUD_ENDPOINT: 'http://127.0.0.1:8000',
      },
      configDir: '/',
      machineId: undefined,
    })
    expect(unscoped).toMatchObject({
      options: { sync: { cloud: { endpoint: 'http://127.0.0.1:8000', deviceScoping: false } } },
    })
  })
})
