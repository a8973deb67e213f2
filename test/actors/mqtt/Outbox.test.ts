/**
 * The outbox journal (issue 4): entries survive a reopen (a crash), a line torn by a crash
 * mid-write is ignored, acknowledged entries are not loaded again, a large journal is compacted to
 * the live entries, and a full outbox refuses with OutboxFull.
 */
import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it, vi } from 'vitest'
import { Outbox, OutboxFull } from '../../../actors/mqtt/Outbox.ts'

const path = () => join(mkdtempSync(join(tmpdir(), 'petal-outbox-')), 'outbox.jsonl')

it('keeps unacknowledged entries across a reopen, in order, and ignores a torn last line', async () => {
  const p = path()
  const a = await Outbox.open(p, { fsync: 'always', limit: 100 })
  const e1 = await a.add('response', '{"n":1}')
  const e2 = await a.add('command/web', '{"n":2}')
  await a.add('response', '{"n":3}')
  a.done(e2.id)
  await a.close()
  appendFileSync(p, '{"a":99,"t":"resp') // a crash in the middle of a write
  const b = await Outbox.open(p, { fsync: 'always', limit: 100 })
  expect(b.pending().map((e) => [e.topic, e.payload])).toEqual([
    ['response', '{"n":1}'],
    ['response', '{"n":3}'],
  ])
  const e4 = await b.add('response', '{"n":4}')
  expect(e4.id).toBeGreaterThan(e1.id + 2)
  await b.close()
})

it('compacts a journal past 1 MiB to its live entries', async () => {
  const p = path()
  const box = await Outbox.open(p, { fsync: 'never', limit: 100_000 })
  const big = JSON.stringify({ pad: 'x'.repeat(2000) })
  for (let i = 0; i < 600; i++) box.done((await box.add('response', big)).id)
  const live = await box.add('response', '{"keep":true}')
  await box.close()
  expect(statSync(p).size).toBeLessThan(1024 * 1024)
  const again = await Outbox.open(p, { fsync: 'never', limit: 100 })
  expect(again.pending().map((e) => e.id)).toEqual([live.id])
  // 1201 records were written; the rewrite dropped every acknowledged pair before it.
  expect(readFileSync(p, 'utf8').split('\n').filter(Boolean).length).toBeLessThan(600)
  await again.close()
})

it('refuses past its limit with OutboxFull, and accepts again once entries are done', async () => {
  const box = await Outbox.open(path(), { fsync: 'never', limit: 2 })
  const a = await box.add('response', '1')
  await box.add('response', '2')
  const err = await box.add('response', '3').catch((e: unknown) => e)
  expect(err).toBeInstanceOf(OutboxFull)
  expect((err as OutboxFull).code).toBe('OUTBOX_FULL')
  box.done(a.id)
  await expect(box.add('response', '3')).resolves.toMatchObject({ payload: '3' })
  await box.close()
})

it('keeps answers (messageId → response) across a reopen, done or not, the last `keepAnswers` only', async () => {
  const p = path()
  const a = await Outbox.open(p, { fsync: 'interval', limit: 100, keepAnswers: 3 })
  for (let i = 1; i <= 5; i++) a.done((await a.add('response', `{"n":${i}}`, `m${i}`)).id)
  await a.add('command/web', '{"web":true}') // not an answer
  expect([...a.answers]).toEqual([
    ['m3', '{"n":3}'],
    ['m4', '{"n":4}'],
    ['m5', '{"n":5}'],
  ])
  // No close: what a kill -9 leaves (the records are written before `add` resolves).
  const b = await Outbox.open(p, { fsync: 'interval', limit: 100, keepAnswers: 3 })
  expect([...b.answers]).toEqual([...a.answers])
  expect(b.pending().map((e) => e.payload)).toEqual(['{"web":true}'])
  await a.close()
  await b.close()
})

it('keeps the answers through a rewrite, and the rewritten journal stays bounded', async () => {
  const p = path()
  const box = await Outbox.open(p, { fsync: 'never', limit: 100_000, keepAnswers: 100 })
  const big = JSON.stringify({ pad: 'x'.repeat(2000) })
  for (let i = 0; i < 3000; i++) box.done((await box.add('response', big, `id-${i}`)).id)
  await box.close()
  // 3000 answers of 2 KB were written; the rewrites kept the last 100 (about 200 KB), so the file
  // never grew far past the 1 MiB threshold.
  expect(statSync(p).size).toBeLessThan(1.5 * 1024 * 1024)
  const again = await Outbox.open(p, { fsync: 'never', limit: 100, keepAnswers: 100 })
  expect([...again.answers.keys()]).toEqual(Array.from({ length: 100 }, (_, i) => `id-${2900 + i}`))
  expect(again.size).toBe(0)
  await again.close()
})

it('does not rewrite on every write when the kept answers alone pass 1 MiB', async () => {
  const p = path()
  const box = await Outbox.open(p, { fsync: 'never', limit: 100_000, keepAnswers: 1000 })
  const big = JSON.stringify({ pad: 'x'.repeat(30_000) })
  const rewrites = vi.spyOn(box as unknown as { compact(): Promise<void> }, 'compact')
  for (let i = 0; i < 200; i++) box.done((await box.add('response', big, `id-${i}`)).id)
  await box.close()
  // Rewrites at about 1, 2, 4... MiB of journal, not after every write past 1 MiB.
  expect(rewrites.mock.calls.length).toBeGreaterThan(0)
  expect(rewrites.mock.calls.length).toBeLessThan(8)
  // 200 kept answers of 30 KB: about 6 MB live, so the journal may reach twice that, no more.
  expect(statSync(p).size).toBeLessThan(2 * 200 * 30_100 + 1024 * 1024)
  const again = await Outbox.open(p, { fsync: 'never', limit: 100, keepAnswers: 1000 })
  expect(again.answers.size).toBe(200)
  await again.close()
})
