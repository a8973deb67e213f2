/**
 * `scanTable(table, filters)`: a Scan with equality filters (the original's
 * `[{ filter_key_name, filter_key_value }]` list, or an object of attribute to value), scoped to
 * this device and to items not soft-deleted (in the FilterExpression, and checked again on what
 * comes back). It follows `LastEvaluatedKey` until the table is read or `maxItems` (default
 * 10 000) are collected; `pageSize` and `startKey` page by hand, returning `next_key`.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { tableProblem } from './cloudInput.ts'
import { type CloudResult, cloudFailure, fromAwsError } from './cloudResults.ts'
import { SCOPE_ATTRIBUTE, type Scope, visible } from './deviceScope.ts'

/** The original's filter entry. */
export interface ScanFilter {
  readonly filter_key_name: string
  readonly filter_key_value: unknown
}

/** Options of `scanTable`. */
export interface ScanOptions {
  /** Items per request (DynamoDB `Limit`); with it, only one page is read unless `all`. */
  readonly pageSize?: number
  /** Where to continue (a previous `next_key`). */
  readonly startKey?: Record<string, unknown>
  /** Follow pages to the end even with `pageSize` (default: true without `pageSize`). */
  readonly all?: boolean
  /** Stop after this many items (default 10 000). */
  readonly maxItems?: number
}

type Item = Record<string, unknown>

/** Scans `table`. */
export async function scanTable(
  doc: DynamoDBDocumentClient,
  scope: Scope,
  table: string,
  filters: readonly ScanFilter[] | Record<string, unknown> = [],
  options: ScanOptions = {},
): Promise<CloudResult<{ data: Item[]; next_key: Item | null; scanned_pages: number }>> {
  const bad = tableProblem(table)
  if (bad !== undefined) return bad
  const pairs: [string, unknown][] = Array.isArray(filters)
    ? filters.map((f) => [f?.filter_key_name, f?.filter_key_value])
    : Object.entries(filters ?? {})
  if (pairs.some(([n]) => typeof n !== 'string' || n === ''))
    return cloudFailure(
      'VALIDATION_ERROR',
      'filters: expected [{ filter_key_name, filter_key_value }] or an object of attribute values',
    )
  const names: Record<string, string> = {}
  const values: Record<string, unknown> = {}
  const terms = pairs.map(([n, v], i) => {
    names[`#f${i}`] = n
    values[`:f${i}`] = v
    return `#f${i} = :f${i}`
  })
  if (scope !== undefined) {
    names['#s'] = SCOPE_ATTRIBUTE
    names['#d'] = 'deleted'
    values[':s'] = scope.machineId
    values[':t'] = true
    terms.push('#s = :s', '(attribute_not_exists(#d) OR #d <> :t)')
  }
  const maxItems = options.maxItems ?? 10_000
  const follow = options.all ?? options.pageSize === undefined
  const data: Item[] = []
  let startKey = options.startKey
  let pages = 0
  try {
    do {
      const r = await doc.send(
        new ScanCommand({
          TableName: table,
          ...(terms.length === 0
            ? {}
            : { FilterExpression: terms.join(' AND '), ExpressionAttributeNames: names }),
          ...(Object.keys(values).length === 0 ? {} : { ExpressionAttributeValues: values }),
          ...(options.pageSize === undefined ? {} : { Limit: options.pageSize }),
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      )
      pages++
      for (const item of r.Items ?? []) if (visible(item, scope)) data.push(item)
      startKey = r.LastEvaluatedKey
    } while (follow && startKey !== undefined && data.length < maxItems)
  } catch (e) {
    return fromAwsError('scanTable', e)
  }
  return { success: true, data: data.slice(0, maxItems), next_key: startKey ?? null, scanned_pages: pages }
}
