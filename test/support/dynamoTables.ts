/**
 * Creates DynamoDB tables for tests (PAY_PER_REQUEST, hash key `id` of type S unless given) with
 * a raw client, and reads a table whole, bypassing every proxy.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb'

/** A raw client on `endpoint` with dummy credentials. */
export function rawDynamo(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  })
}

/** Creates `table` with hash key `key` (string). */
export async function createTable(client: DynamoDBClient, table: string, key = 'id'): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
}

/** Every item of `table`, unmarshalled, all pages. */
export async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const doc = DynamoDBDocumentClient.from(client)
  const out: Record<string, unknown>[] = []
  let start: Record<string, unknown> | undefined
  do {
    const r = await doc.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    )
    out.push(...(r.Items ?? []))
    start = r.LastEvaluatedKey
  } while (start !== undefined)
  return out
}
