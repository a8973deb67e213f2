/**
 * `batchWrite(table, items)`: puts in chunks of 25 (DynamoDB's limit), each item stamped with this
 * device; `UnprocessedItems` are sent again with backoff (50 ms doubling to 2 s, 8 attempts per
 * chunk). Items that remain unprocessed are returned in the failure, never dropped silently.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { objectProblem, tableProblem } from './cloudInput.ts'
import { type CloudResult, cloudFailure, fromAwsError } from './cloudResults.ts'
import { type Scope, stamp } from './deviceScope.ts'

type Item = Record<string, unknown>

/** Items per BatchWriteItem request. */
export const BATCH_SIZE = 25

/** How unprocessed items are sent again. */
export interface BatchRetry {
  readonly attempts: number
  readonly minMs: number
  readonly maxMs: number
}

/** 8 attempts per chunk, 50 ms doubling to 2 s between them. */
export const BATCH_RETRY: BatchRetry = { attempts: 8, minMs: 50, maxMs: 2000 }

/** Writes every item; reports how many and in how many requests. */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  scope: Scope,
  table: string,
  items: readonly Item[],
  retry: BatchRetry = BATCH_RETRY,
): Promise<CloudResult<{ data: { written: number; requests: number; retries: number } }>> {
  const bad = tableProblem(table)
  if (bad !== undefined) return bad
  if (!Array.isArray(items))
    return cloudFailure('VALIDATION_ERROR', `items: expected an array of items, found ${typeof items}`)
  for (const [i, item] of items.entries()) {
    const p = objectProblem(item, `items[${i}]`)
    if (p !== undefined) return p
  }
  let written = 0
  let requests = 0
  let retries = 0
  for (let at = 0; at < items.length; at += BATCH_SIZE) {
    let pending = items
      .slice(at, at + BATCH_SIZE)
      .map((item) => ({ PutRequest: { Item: stamp(item, scope) } }))
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        requests++
        const r = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }))
        const left = (r.UnprocessedItems?.[table] ?? []) as typeof pending
        written += pending.length - left.length
        pending = left
      } catch (e) {
        const f = fromAwsError('batchWrite', e)
        if (f.code !== 'THROTTLED' || attempt >= retry.attempts) return { ...f, written }
      }
      if (pending.length > 0) {
        if (attempt >= retry.attempts)
          return cloudFailure(
            'UNPROCESSED_ITEMS',
            `batchWrite: ${pending.length} items not written after ${retry.attempts} attempts`,
            {
              written,
              unprocessed: pending.map((p) => p.PutRequest.Item),
            },
          )
        retries++
        await new Promise((r) => setTimeout(r, Math.min(retry.maxMs, retry.minMs * 2 ** (attempt - 1))))
      }
    }
  }
  return { success: true, data: { written, requests, retries } }
}
