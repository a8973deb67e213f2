/**
 * The dedup window: a new id runs, a repeat of one in progress is dropped, a repeat of one
 * answered gets the answer back, the window holds the last `capacity` ids, answers past 64 KB are
 * not kept, and a window seeded with earlier answers (the outbox's, after a restart) replays them.
 */
import { expect, it } from 'vitest'
import { Dedup } from '../../../actors/mqtt/Dedup.ts'

it('says new, then in-progress, then answered with the kept response', () => {
  const d = new Dedup(10)
  expect(d.check('a')).toEqual({ kind: 'new' })
  expect(d.check('a')).toEqual({ kind: 'in-progress' })
  expect(d.answered('a', '{"ok":1}')).toBe(true)
  expect(d.check('a')).toEqual({ kind: 'answered', response: '{"ok":1}' })
})

it('forgets the oldest id past its capacity, and keeps no answer for an id outside it', () => {
  const d = new Dedup(2)
  d.check('a')
  d.check('b')
  d.check('c')
  expect(d.size).toBe(2)
  expect(d.answered('a', '{}')).toBe(false)
  expect(d.check('a')).toEqual({ kind: 'new' })
})

it('keeps no answer past 64 KB', () => {
  const d = new Dedup(10)
  d.check('big')
  expect(d.answered('big', 'x'.repeat(64 * 1024 + 1))).toBe(false)
  expect(d.check('big')).toEqual({ kind: 'in-progress' })
})

it('replays answers it was seeded with, the last `capacity` of them', () => {
  const d = new Dedup(2, [
    ['a', '1'],
    ['b', '2'],
    ['c', '3'],
  ])
  expect(d.check('c')).toEqual({ kind: 'answered', response: '3' })
  expect(d.check('b')).toEqual({ kind: 'answered', response: '2' })
  expect(d.check('a')).toEqual({ kind: 'new' })
})

it('forgets an id in progress (a command dropped unseen), so its re-send runs; never an answered one', () => {
  const d = new Dedup(10)
  d.check('dropped')
  d.forget('dropped')
  expect(d.check('dropped')).toEqual({ kind: 'new' })
  d.check('done')
  d.answered('done', '{"status":"success"}')
  d.forget('done')
  expect(d.check('done')).toEqual({ kind: 'answered', response: '{"status":"success"}' })
})
