/**
 * The durable sql.js database (issue 5): writes survive a reopen without a checkpoint (journal
 * replay), checkpoints fold the journal into the snapshot, a journal cut at every byte offset of
 * its last record or flipped in a byte reopens cleanly without it, and replay is deterministic
 * for `'now'` and `random()`.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DurableDatabase } from '../../../actors/localdb/DurableDatabase.ts'
import { listSegments } from '../../../actors/localdb/journal/segments.ts'

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'petal-db-')), 'petal.db')
}

const count = (db: DurableDatabase, table = 't'): number =>
  Number(db.read(`SELECT count(*) AS n FROM ${table}`, [])[0]!.n)

describe('DurableDatabase', () => {
  it('replays the journal after a crash that left no checkpoint', async () => {
    const path = tempDb()
    const db = await DurableDatabase.open(path)
    await db.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)', [])
    for (let i = 0; i < 50; i++) await db.execute('INSERT INTO t(v) VALUES (?)', [`row ${i}`])
    await db.runUnit([
      { sql: 'UPDATE t SET v = ? WHERE id = ?', params: ['changed', 1] },
      { sql: 'DELETE FROM t WHERE id = ?', params: [2] },
    ])
    db.abandon()
    const again = await DurableDatabase.open(path)
    expect(count(again)).toBe(49)
    expect(again.read('SELECT v FROM t WHERE id = 1', [])[0]!.v).toBe('changed')
    expect(again.stats.recoveredRecords).toBe(52)
    await again.close()
  })

  it('a checkpoint folds the journal into the snapshot and deletes old segments', async () => {
    const path = tempDb()
    const db = await DurableDatabase.open(path, { checkpointBytes: 2000 })
    await db.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)', [])
    for (let i = 0; i < 40; i++) {
      await db.execute('INSERT INTO t(v) VALUES (?)', ['x'.repeat(100)])
      if (db.wantsCheckpoint) await db.checkpoint()
    }
    expect(db.stats.checkpoints).toBeGreaterThan(0)
    expect(listSegments(path)).toHaveLength(1)
    db.abandon()
    const again = await DurableDatabase.open(path)
    expect(count(again)).toBe(40)
    expect(again.stats.recoveredRecords).toBeLessThan(40)
    await again.close()
  })

  it('a crash between the snapshot rename and the segment deletion does not apply records twice', async () => {
    const path = tempDb()
    const db = await DurableDatabase.open(path)
    await db.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER)', [])
    await db.execute('INSERT INTO t(n) VALUES (0)', [])
    for (let i = 0; i < 5; i++) await db.execute('UPDATE t SET n = n + 1', [])
    const [segment] = listSegments(path)
    const saved = readFileSync(segment!.path)
    await db.checkpoint()
    db.abandon()
    writeFileSync(segment!.path, saved) // the old segment "survived" the crash
    const again = await DurableDatabase.open(path)
    expect(again.read('SELECT n FROM t', [])[0]!.n).toBe(5)
    await again.close()
  })

  it('a damaged segment the snapshot already covers is ignored, and later records still replay', async () => {
    const path = tempDb()
    const db = await DurableDatabase.open(path)
    await db.execute('CREATE TABLE t(v)', [])
    await db.execute('INSERT INTO t VALUES (1)', [])
    const [old] = listSegments(path)
    const saved = readFileSync(old!.path)
    await db.checkpoint()
    await db.execute('INSERT INTO t VALUES (2)', [])
    db.abandon()
    // the old segment "survived" the checkpoint's deletion, and with a corrupt byte
    saved[saved.length - 2] ^= 0xff
    writeFileSync(old!.path, saved)
    const again = await DurableDatabase.open(path)
    expect(again.read('SELECT v FROM t', []).map((r) => r.v)).toEqual([1, 2])
    expect(again.stats.droppedBytes).toBe(0)
    await again.close()
  })

  it('a journal cut at every byte offset of its last record reopens with every earlier write', async () => {
    const path = tempDb()
    const db = await DurableDatabase.open(path)
    await db.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)', [])
    for (let i = 0; i < 3; i++) await db.execute('INSERT INTO t(v) VALUES (?)', [`v${i}`])
    const before = statSync(listSegments(path)[0]!.path).size
    await db.execute('INSERT INTO t(v) VALUES (?)', ['the last one'])
    db.abandon()
    const segment = listSegments(path)[0]!
    const full = readFileSync(segment.path)
    expect(full.length - before).toBeGreaterThan(40)
    for (let cut = before; cut <= full.length; cut++) {
      const copy = tempDb()
      writeFileSync(copy.replace(/petal\.db$/, basename(segment.path)), full.subarray(0, cut))
      const again = await DurableDatabase.open(copy)
      expect(count(again), `cut at ${cut}`).toBe(cut === full.length ? 4 : 3)
      // the recovered state was checkpointed, so later writes land after it and survive
      await again.execute('INSERT INTO t(v) VALUES (?)', ['after recovery'])
      again.abandon()
      const third = await DurableDatabase.open(copy)
      expect(count(third), `cut at ${cut}, reopened`).toBe(cut === full.length ? 5 : 4)
      third.abandon()
    }
  }, 60_000)

  it('a corrupt byte in the last record drops that record only', async () => {
    const path = tempDb()
    const db = await DurableDatabase.open(path)
    await db.execute('CREATE TABLE t(v)', [])
    await db.execute('INSERT INTO t VALUES (1)', [])
    await db.execute('INSERT INTO t VALUES (2)', [])
    db.abandon()
    const segment = listSegments(path)[0]!.path
    const buf = readFileSync(segment)
    buf[buf.length - 3] ^= 0xff
    writeFileSync(segment, buf)
    const again = await DurableDatabase.open(path)
    expect(again.read('SELECT v FROM t', []).map((r) => r.v)).toEqual([1])
    expect(again.stats.droppedBytes).toBeGreaterThan(0)
    await again.close()
  })

  it("replays 'now', CURRENT_TIMESTAMP, random() and randomblob() to the same values", async () => {
    const path = tempDb()
    const db = await DurableDatabase.open(path)
    await db.execute('CREATE TABLE t(at TEXT DEFAULT CURRENT_TIMESTAMP, r, b, n TEXT)', [])
    await db.execute(
      "INSERT INTO t(r, b, n) VALUES (random(), randomblob(8), strftime('%Y-%m-%d %H:%M:%f', 'now'))",
      [],
    )
    const original = db.read('SELECT at, r, hex(b) AS b, n FROM t', [])[0]
    db.abandon()
    await new Promise((r) => setTimeout(r, 20))
    const again = await DurableDatabase.open(path)
    expect(again.read('SELECT at, r, hex(b) AS b, n FROM t', [])[0]).toEqual(original)
    await again.close()
  })
})
