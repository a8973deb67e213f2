/**
 * What every bucket method returns, as the guide's examples expect: `{ success: true, ... }` or
 * `{ success: false, error, code }` with the original's error strings. Methods never throw.
 */
import { type ProxyFailure, type ProxyResult, proxyFailure } from '../ProxyResult.ts'

/** Error codes of bucket results. */
export type BucketErrorCode =
  | 'VALIDATION_ERROR'
  | 'PATH_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'MACHINE_ID_MISSING'
  | 'S3_ERROR'
  | 'ABORTED'

/** A failed bucket call. */
export type BucketFailure = ProxyFailure<BucketErrorCode>

/** A bucket call's result. */
export type BucketResult<T extends object> = ProxyResult<T, BucketErrorCode>

/** Builds a failure. */
export const failure = proxyFailure<BucketErrorCode>

/** The S3 error code of an SDK error (`NoSuchKey`, `NotFound`, `TimeoutError`, ...). */
export function s3Code(e: unknown): string {
  const err = e as { name?: string; Code?: string; code?: string; $metadata?: { httpStatusCode?: number } }
  return err.Code ?? err.name ?? err.code ?? 'UnknownError'
}

/** True when the error says the object is not there. */
export function isNotFound(e: unknown): boolean {
  const code = s3Code(e)
  return (
    code === 'NoSuchKey' ||
    code === 'NotFound' ||
    (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
  )
}

/** A failure for an SDK error, prefixed as the original does (`Upload failed: <Code>`). */
export function s3Failure(prefix: string, e: unknown): BucketFailure {
  if ((e as { name?: string }).name === 'AbortError') return failure('ABORTED', `${prefix}: aborted`)
  return failure('S3_ERROR', `${prefix}: ${s3Code(e)}`, { details: (e as Error).message ?? String(e) })
}
