/**
 * The single-item methods: `getItem`, `putItem`, `updateItem` (SET of each given attribute, the
 * item created if absent, refused with "Item not found or access denied" when it belongs to
 * another device), and `deleteItem` (soft with device scoping: `deleted: true` on this device's
 * item; a real DeleteItem without). Attribute names always go through `#n` placeholders, values
 * through `:v` placeholders.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb'
import { objectProblem, tableProblem } from './cloudInput.ts'
import { type CloudFailure, type CloudResult, cloudFailure, fromAwsError } from './cloudResults.ts'
import { itemVerdict, SCOPE_ATTRIBUTE, type Scope, stamp } from './deviceScope.ts'

type Item = Record<string, unknown>

/** What each single-item method resolves to: the item (as read, written or left) or a failure. */
type ItemResult = CloudResult<{ data: Item }>

const conditionFailed = (e: unknown) =>
  e instanceof ConditionalCheckFailedException ||
  (e as { name?: string }).name === 'ConditionalCheckFailedException'

/** A failed scoped write: a refused condition means another device's item, else the AWS error. */
function writeFailure(what: string, e: unknown): CloudFailure {
  return conditionFailed(e)
    ? cloudFailure('ACCESS_DENIED', 'Item not found or access denied')
    : fromAwsError(what, e)
}

/** Reads one item (consistent read). */
export async function getItem(
  doc: DynamoDBDocumentClient,
  scope: Scope,
  table: string,
  key: Item,
): Promise<ItemResult> {
  const bad = tableProblem(table) ?? objectProblem(key, 'key')
  if (bad !== undefined) return bad
  try {
    const r = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))
    const verdict = itemVerdict(r.Item, scope)
    return verdict ?? { success: true, data: r.Item! }
  } catch (e) {
    return fromAwsError('getItem', e)
  }
}

/** Writes one item whole (stamped with this device). */
export async function putItem(
  doc: DynamoDBDocumentClient,
  scope: Scope,
  table: string,
  item: Item,
): Promise<ItemResult> {
  const bad = tableProblem(table) ?? objectProblem(item, 'item')
  if (bad !== undefined) return bad
  const stamped = stamp(item, scope)
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: stamped,
        ...(scope === undefined
          ? {}
          : {
              ConditionExpression: 'attribute_not_exists(#s) OR #s = :s',
              ExpressionAttributeNames: { '#s': SCOPE_ATTRIBUTE },
              ExpressionAttributeValues: { ':s': scope.machineId },
            }),
      }),
    )
    return { success: true, data: stamped }
  } catch (e) {
    return writeFailure('putItem', e)
  }
}

/** Sets the given attributes of one item (created if absent); returns the item after. */
export async function updateItem(
  doc: DynamoDBDocumentClient,
  scope: Scope,
  table: string,
  key: Item,
  updates: Item,
): Promise<ItemResult> {
  const bad = tableProblem(table) ?? objectProblem(key, 'key') ?? objectProblem(updates, 'updates')
  if (bad !== undefined) return bad
  const keyNames = new Set(Object.keys(key))
  const sets = Object.entries(stamp(updates, scope)).filter(([n]) => !keyNames.has(n))
  if (sets.length === 0)
    return cloudFailure('VALIDATION_ERROR', 'updates: expected at least one attribute besides the key')
  const names: Record<string, string> = {}
  const values: Record<string, unknown> = {}
  sets.forEach(([n, v], i) => {
    names[`#a${i}`] = n
    values[`:a${i}`] = v
  })
  let condition: string | undefined
  if (scope !== undefined) {
    names['#s'] = SCOPE_ATTRIBUTE
    names['#d'] = 'deleted'
    values[':s'] = scope.machineId
    values[':t'] = true
    condition = '(attribute_not_exists(#s) OR #s = :s) AND (attribute_not_exists(#d) OR #d <> :t)'
  }
  try {
    const r = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: `SET ${sets.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
        ...(condition === undefined ? {} : { ConditionExpression: condition }),
      }),
    )
    return { success: true, data: r.Attributes ?? {} }
  } catch (e) {
    return writeFailure('updateItem', e)
  }
}

/** Deletes one item: soft (`deleted: true`) with scoping, real without. */
export async function deleteItem(
  doc: DynamoDBDocumentClient,
  scope: Scope,
  table: string,
  key: Item,
): Promise<ItemResult> {
  const bad = tableProblem(table) ?? objectProblem(key, 'key')
  if (bad !== undefined) return bad
  try {
    if (scope === undefined) {
      const r = await doc.send(new DeleteCommand({ TableName: table, Key: key, ReturnValues: 'ALL_OLD' }))
      return r.Attributes === undefined
        ? cloudFailure('NOT_FOUND', 'Item not found')
        : { success: true, data: r.Attributes }
    }
    const current = await getItem(doc, scope, table, key)
    if (!current.success)
      return current.code === 'NOT_FOUND' ? cloudFailure('NOT_FOUND', 'Item not found') : current
    const r = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET #d = :t',
        ConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#d': 'deleted', '#s': SCOPE_ATTRIBUTE },
        ExpressionAttributeValues: { ':t': true, ':s': scope.machineId },
        ReturnValues: 'ALL_NEW',
      }),
    )
    return { success: true, data: r.Attributes ?? {} }
  } catch (e) {
    return conditionFailed(e) ? cloudFailure('NOT_FOUND', 'Item not found') : fromAwsError('deleteItem', e)
  }
}
