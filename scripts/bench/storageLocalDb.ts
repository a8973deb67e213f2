/**
 * Local DB part of the storage benchmark: durable single-row write latency (p50, p99) through the
 * `db` facade at about 1 MB and 50 MB of database, beside the naive approach measured in the same
 * run (sql.js insert, then export the whole DB, temp file, fsync, rename, fsync dir), plus a batch
 * insert of 10 000 rows (`insertMany`, and row by row in one transaction) and the cost of one
 * checkpoint (off the write path).
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Database } from 'sql.js'
import { createLocalDbProxy } from '../../actors/localdb/createLocalDbProxy.ts'
import { DurableDatabase } from '../../actors/localdb/DurableDatabase.ts'
import { loadSqlJs } from '../../actors/localdb/sqlJs.ts'
import { type BenchRow, round } from './harness.ts'

const MB = 1024 * 1024

function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

/** A database file of about `bytes`, built with raw sql.js. */
async function buildDb(path: string, bytes: number): Promise<void> {
  const SQL = await loadSqlJs()
  const db = new SQL.Database()
  db.run('CREATE TABLE events (id INTEGER PRIMARY KEY, at INTEGER, payload BLOB)')
  db.run('BEGIN')
  const st = db.prepare('INSERT INTO events (at, payload) VALUES (?, ?)')
  const blob = new Uint8Array(1000).fill(7)
  for (let i = 0; i < bytes / 1100; i++) st.run([i, blob])
  st.free()
  db.run('COMMIT')
  writeFileSync(path, db.export())
  db.close()
}

function atomicWrite(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`
  writeFileSync(tmp, bytes)
  const fd = openSync(tmp, 'r+')
  fsyncSync(fd)
  closeSync(fd)
  renameSync(tmp, path)
  const dir = openSync(dirname(path), 'r')
  fsyncSync(dir)
  closeSync(dir)
}

/** The floor any durable write pays here: append 150 bytes and fdatasync. */
async function fsyncFloor(dir: string, n: number): Promise<number[]> {
  const { fdatasync, openSync, writeSync, closeSync: close } = await import('node:fs')
  const fd = openSync(join(dir, 'floor'), 'a')
  const buf = Buffer.alloc(150, 1)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    writeSync(fd, buf)
    await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())))
    out.push(performance.now() - t0)
  }
  close(fd)
  return out
}

async function oursWrites(path: string, n: number): Promise<number[]> {
  const { db, close } = await createLocalDbProxy({ path })
  for (let i = 0; i < 50; i++) await db.insert('events', { at: -i, payload: 'warm-up' })
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await db.insert('events', { at: i, payload: 'x'.repeat(100) })
    out.push(performance.now() - t0)
  }
  await close()
  return out
}

async function naiveWrites(path: string, n: number): Promise<number[]> {
  const SQL = await loadSqlJs()
  const { readFileSync } = await import('node:fs')
  const db: Database = new SQL.Database(readFileSync(path))
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    db.run('INSERT INTO events (at, payload) VALUES (?, ?)', [i, 'x'.repeat(100)])
    atomicWrite(path, db.export())
    out.push(performance.now() - t0)
  }
  db.close()
  return out
}

/** Runs the local DB rows. */
export async function localDbRows(quick: boolean): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'petal-bench-db-'))
  const rows: BenchRow[] = []
  const p50s: number[] = []
  try {
    for (const size of [1 * MB, 50 * MB]) {
      const label = `${size / MB} MB`
      const ours = join(dir, `ours-${label}.db`)
      const naive = join(dir, `naive-${label}.db`)
      await buildDb(ours, size)
      await buildDb(naive, size)
      const o = await oursWrites(ours, quick ? 100 : 1000)
      const nv = await naiveWrites(naive, size > MB ? (quick ? 3 : 10) : quick ? 30 : 200)
      const floor = await fsyncFloor(dir, quick ? 100 : 1000)
      p50s.push(percentile(o, 50))
      rows.push(
        {
          case: `durable write @${label}`,
          metric: 'p50 latency',
          unit: 'ms',
          ours: round(percentile(o, 50), 3),
          baselines: {
            'naive export per write': round(percentile(nv, 50), 3),
            'append+fdatasync floor': round(percentile(floor, 50), 3),
          },
          target: size > MB ? '<= 1 ms' : 'flat in size',
          ...(size > MB ? { pass: percentile(o, 50) <= 1 } : {}),
        },
        {
          case: `durable write @${label}`,
          metric: 'p99 latency',
          unit: 'ms',
          ours: round(percentile(o, 99), 3),
          baselines: {
            'naive export per write': round(percentile(nv, 99), 3),
            'append+fdatasync floor': round(percentile(floor, 99), 3),
          },
          target: 'flat in size',
        },
      )
    }
    rows.push({
      case: 'durable write p50, 50 MB / 1 MB',
      metric: 'ratio',
      unit: 'x',
      ours: round(p50s[1]! / p50s[0]!, 2),
      baselines: {},
      target: '<= 1.5 (flat)',
      pass: p50s[1]! / p50s[0]! <= 1.5,
    })
    rows.push(await batchRow(dir, quick))
    rows.push(await checkpointRow(join(dir, 'ours-50 MB.db')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

async function batchRow(dir: string, quick: boolean): Promise<BenchRow> {
  const n = 10_000
  const runs = quick ? 1 : 3
  let ours = Number.POSITIVE_INFINITY
  let perCall = Number.POSITIVE_INFINITY
  const rows = Array.from({ length: n }, (_, i) => ({ name: `row ${i}`, value: i / 3 }))
  for (let r = 0; r < runs; r++) {
    const { db, close } = await createLocalDbProxy({ path: join(dir, `batch-${r}.db`) })
    await db.executeQuery('CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT, value REAL)')
    let t0 = performance.now()
    await db.insertMany('rows', rows)
    ours = Math.min(ours, performance.now() - t0)
    t0 = performance.now()
    await db.transaction(async (tx) => {
      for (const row of rows) await tx.insert('rows', row)
    })
    perCall = Math.min(perCall, performance.now() - t0)
    await close()
  }
  const SQL = await loadSqlJs()
  let memory = Number.POSITIVE_INFINITY
  let naive = Number.POSITIVE_INFINITY
  for (let r = 0; r < runs; r++) {
    const db = new SQL.Database()
    db.run('CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT, value REAL)')
    const t0 = performance.now()
    db.run('BEGIN')
    const st = db.prepare('INSERT INTO rows (name, value) VALUES (?, ?)')
    for (let i = 0; i < n; i++) st.run([`row ${i}`, i / 3])
    st.free()
    db.run('COMMIT')
    memory = Math.min(memory, performance.now() - t0)
    atomicWrite(join(dir, `naive-batch-${r}.db`), db.export())
    naive = Math.min(naive, performance.now() - t0)
    db.close()
  }
  return {
    case: 'batch insert 10 000 rows (insertMany)',
    metric: 'time',
    unit: 'ms',
    ours: round(ours, 1),
    baselines: {
      'ours, 10 000 tx.insert calls': round(perCall, 1),
      'sql.js in memory, not durable': round(memory, 1),
      'sql.js + one export': round(naive, 1),
    },
    target: 'report',
  }
}

async function checkpointRow(path: string): Promise<BenchRow> {
  const db = await DurableDatabase.open(path)
  await db.execute('INSERT INTO events (at, payload) VALUES (?, ?)', [1, 'y'])
  const t0 = performance.now()
  await db.checkpoint()
  const ms = performance.now() - t0
  db.abandon()
  return {
    case: 'checkpoint @50 MB (off the write path)',
    metric: 'time',
    unit: 'ms',
    ours: round(ms, 1),
    baselines: {},
    target: 'report; once per 8 MiB of journal',
  }
}
