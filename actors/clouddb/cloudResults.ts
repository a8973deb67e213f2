/**
 * What every cloud DB method returns: `{ success: true, data, ... }` or `{ success: false, error,
 * code }`, never a throw. The error strings of the original's device scoping are kept ("Item not
 * found or has been deleted", "Item not found or access denied", "Item not found", "Machine ID not
 * available"); AWS errors map to codes by kind.
 */
import { type ProxyFailure, type ProxyResult, proxyFailure } from '../ProxyResult.ts'

/** Error codes of cloud DB results. */
export type CloudErrorCode =
  | 'VALIDATION_ERROR'
  | 'NOT_FOUND'
  | 'ACCESS_DENIED'
  | 'MACHINE_ID_MISSING'
  | 'TABLE_NOT_FOUND'
  | 'THROTTLED'
  | 'UNPROCESSED_ITEMS'
  | 'UNAVAILABLE'
  | 'CLOUD_ERROR'

/** A failed cloud call. */
export type CloudFailure = ProxyFailure<CloudErrorCode>

/** A cloud call's result. */
export type CloudResult<T extends object> = ProxyResult<T, CloudErrorCode>

/** Builds a failure. */
export const cloudFailure = proxyFailure<CloudErrorCode>

/** Maps an AWS SDK error to a failure. */
export function fromAwsError(what: string, e: unknown): CloudFailure {
  const name = (e as { name?: string }).name ?? 'Error'
  const message = (e as Error).message ?? String(e)
  switch (name) {
    case 'ResourceNotFoundException':
      return cloudFailure('TABLE_NOT_FOUND', `${what}: table not found (${message})`)
    case 'ValidationException':
    case 'SerializationException':
      return cloudFailure('VALIDATION_ERROR', `${what}: ${message}`)
    case 'ProvisionedThroughputExceededException':
    case 'ThrottlingException':
    case 'RequestLimitExceeded':
      return cloudFailure('THROTTLED', `${what}: throttled (${message})`)
    default:
      return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === undefined
        ? cloudFailure('UNAVAILABLE', `${what}: cloud DB unavailable (${name}: ${message})`)
        : cloudFailure('CLOUD_ERROR', `${what}: ${name}: ${message}`)
  }
}

/** True when the failure means DynamoDB was not reached. */
export function unreachable(f: CloudFailure): boolean {
  return f.code === 'UNAVAILABLE'
}
