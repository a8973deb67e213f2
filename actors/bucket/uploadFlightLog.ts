/**
 * `uploadFile`: the original's checks in its order (machine id, extension of the name the object
 * will carry, local path inside the roots, content), then a resumable upload under the original's
 * key scheme (or `customS3Key`), with its content type, server-side encryption and metadata
 * (`original-filename`, `upload-timestamp`, `machine-id`). Returns the original's success shape
 * plus `parts`, `resumed_parts` and `retries`.
 */
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { S3Client } from '@aws-sdk/client-s3'
import type { BucketOptions } from './bucketOptions.ts'
import { type BucketResult, failure, s3Failure } from './bucketResults.ts'
import { ALLOWED_EXTENSIONS, checkFlightLog, contentTypeOf } from './flightLogFile.ts'
import { insideRoots } from './localRoots.ts'
import { flightLogKey, keyProblem } from './objectKeys.ts'
import { resumableUpload, type UploadProgress } from './resumableUpload.ts'
import { stateFileFor } from './uploadState.ts'

/** Options of `uploadFile`. */
export interface UploadOptions {
  /** The name the object carries (and whose extension is checked). */
  readonly customFilename?: string
  /** The key to use instead of the original's scheme. */
  readonly customS3Key?: string
  readonly onProgress?: (p: UploadProgress) => void
  readonly signal?: AbortSignal
}

/** The success of an upload. */
export interface UploadSuccess {
  readonly s3_key: string
  readonly file_url: string
  readonly file_size: number
  readonly content_type: string
  readonly parts: number
  readonly resumed_parts: number
  /** Requests that failed and were sent again. */
  readonly retries: number
}

/** Where an object can be fetched from. */
export function objectUrl(o: BucketOptions, key: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/')
  return o.endpoint === undefined
    ? `https://${o.bucket}.s3.amazonaws.com/${path}`
    : `${o.endpoint.replace(/\/$/, '')}/${o.bucket}/${path}`
}

/** Validates and uploads one flight log. */
export async function uploadFlightLog(
  client: S3Client,
  o: BucketOptions,
  filePath: unknown,
  options: UploadOptions = {},
): Promise<BucketResult<UploadSuccess>> {
  if (o.machineId === undefined) return failure('MACHINE_ID_MISSING', 'Machine ID not available')
  const name = options.customFilename ?? (typeof filePath === 'string' ? basename(filePath) : '')
  const contentType = contentTypeOf(name)
  if (contentType === undefined)
    return failure(
      'VALIDATION_ERROR',
      `Invalid file extension. Only ${ALLOWED_EXTENSIONS.join(', ')} files are allowed`,
      {
        allowed_extensions: [...ALLOWED_EXTENSIONS],
      },
    )
  if (options.customS3Key !== undefined) {
    const problem = keyProblem(options.customS3Key, 'customS3Key')
    if (problem !== undefined) return failure('VALIDATION_ERROR', problem)
  }
  const inside = insideRoots(filePath, o.roots)
  if ('problem' in inside) return failure('PATH_NOT_ALLOWED', inside.problem)
  const checked = await checkFlightLog(inside.path, name)
  if ('problem' in checked) return failure('VALIDATION_ERROR', `File validation failed: ${checked.problem}`)
  const st = await stat(inside.path)
  const stateFile = stateFileFor(o.stateDir, {
    path: inside.path,
    size: st.size,
    mtimeMs: st.mtimeMs,
    name: options.customS3Key ?? name,
  })
  try {
    const done = await resumableUpload({
      client,
      bucket: o.bucket,
      filePath: inside.path,
      size: checked.size,
      newKey: options.customS3Key ?? flightLogKey(o.machineId, name),
      stateFile,
      partSize: o.partSize,
      concurrency: o.concurrency,
      retries: o.retries,
      put: {
        ContentType: contentType,
        Metadata: {
          'original-filename': basename(name),
          'upload-timestamp': String(Math.floor(Date.now() / 1000)),
          'machine-id': o.machineId,
        },
        ...(o.sse === undefined ? {} : { ServerSideEncryption: o.sse }),
      },
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    return {
      success: true,
      s3_key: done.key,
      file_url: objectUrl(o, done.key),
      file_size: checked.size,
      content_type: contentType,
      parts: done.parts,
      resumed_parts: done.resumedParts,
      retries: done.retried,
    }
  } catch (e) {
    return { ...s3Failure('Upload failed', e), resumable: checked.size > o.partSize }
  }
}
