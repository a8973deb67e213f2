/**
 * An idempotent PutItem: the item carries `_sync_version` and is written only if the stored one
 * is absent or older. Pushing the same version twice (a retry after a lost reply, or a crash
 * between the push and the outbox acknowledgement) is a no-op, and an older version arriving after
 * a newer one never overwrites it, so pushes may run concurrently and out of order.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb'

/** The version attribute. */
export const VERSION_ATTRIBUTE = '_sync_version'

/** How a versioned put ended. */
export type VersionedPutOutcome = 'written' | 'already-applied'

/** Writes `item` at `version` unless a newer or equal version is stored. */
export async function versionedPut(
  doc: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
  version: number,
  signal?: AbortSignal,
): Promise<VersionedPutOutcome> {
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...item, [VERSION_ATTRIBUTE]: version },
        ConditionExpression: 'attribute_not_exists(#v) OR #v < :v',
        ExpressionAttributeNames: { '#v': VERSION_ATTRIBUTE },
        ExpressionAttributeValues: { ':v': version },
      }),
      signal === undefined ? {} : { abortSignal: signal },
    )
    return 'written'
  } catch (e) {
    if (
      e instanceof ConditionalCheckFailedException ||
      (e as { name?: string }).name === 'ConditionalCheckFailedException'
    )
      return 'already-applied'
    throw e
  }
}
