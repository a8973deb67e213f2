/**
 * Builds the DynamoDB document client from the cloud options: region, endpoint override (DynamoDB
 * Local), explicit credentials or the standard AWS chain, and the request time-out. Marshalling
 * drops `undefined` values and accepts class instances; `Uint8Array`s are stored as binary.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { CloudDbOptions } from './cloudDbOptions.ts'

/** A document client and the low-level client under it (close the latter). */
export interface DynamoClients {
  readonly doc: DynamoDBDocumentClient
  readonly raw: DynamoDBClient
}

/**
 * Creates the clients.
 *
 * @example
 * const { doc, raw } = createDynamoClients(options); ...; raw.destroy()
 *
 * @category constructors
 */
export function createDynamoClients(options: CloudDbOptions): DynamoClients {
  const raw = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs,
      connectionTimeout: Math.min(options.requestTimeoutMs, 5000),
    },
  })
  const doc = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    unmarshallOptions: { wrapNumbers: false },
  })
  return { doc, raw }
}
