/**
 * `batchWrite`'s handling of `UnprocessedItems` (issue 5). DynamoDB Local never leaves items
 * unprocessed, so this one path runs against a stand-in client that does, as AWS does under load:
 * the items are sent again (with backoff) until written, or returned in the failure, never dropped.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { describe, expect, it } from 'vitest'
import { batchWrite } from '../../../actors/clouddb/batchWrite.ts'

type Request = { RequestItems: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> }

/** Leaves the last `leave` items of each request unprocessed, `times` times. */
function throttling(leave: number, times: number) {
  const sent: number[] = []
  const stored: Record<string, unknown>[] = []
  let left = times
  const doc = {
    send: async (cmd: { input: Request }) => {
      const items = cmd.input.RequestItems.ttt!
      sent.push(items.length)
      const keep = left-- > 0 ? items.slice(items.length - leave) : []
      stored.push(...items.slice(0, items.length - keep.length).map((r) => r.PutRequest.Item))
      return { UnprocessedItems: keep.length > 0 ? { ttt: keep } : {} }
    },
  } as unknown as DynamoDBDocumentClient
  return { doc, sent, stored }
}

describe('batchWrite and UnprocessedItems', () => {
  it('sends unprocessed items again until every item is written', async () => {
    const fake = throttling(3, 2)
    const items = Array.from({ length: 26 }, (_, i) => ({ id: `i${i}` }))
    const r = await batchWrite(fake.doc, { machineId: 'm' }, 'ttt', items as never)
    expect(r).toMatchObject({ success: true, data: { written: 26, retries: 2 } })
    expect(fake.sent).toEqual([25, 3, 3, 1])
    expect(new Set(fake.stored.map((i) => i.id)).size).toBe(26)
    expect(fake.stored.every((i) => i.robot_instance_id === 'm')).toBe(true)
  })

  it('returns what stays unprocessed after its attempts, never drops it', async () => {
    const fake = throttling(2, 100)
    const r = await batchWrite(fake.doc, undefined, 'ttt', [{ id: 'a' }, { id: 'b' }, { id: 'c' }], {
      attempts: 4,
      minMs: 1,
      maxMs: 5,
    })
    expect(r).toMatchObject({ success: false, code: 'UNPROCESSED_ITEMS', written: 1 })
    expect((r as unknown as { unprocessed: unknown[] }).unprocessed).toEqual([{ id: 'b' }, { id: 'c' }])
    expect(fake.sent).toEqual([3, 2, 2, 2])
  })
})
