/**
 * The bucket's object methods besides upload, with the original's result shapes and error strings:
 * `listObjects` (under `<machineId>/`, 1000 keys a page, a continuation token, or `all: true` to
 * follow every page), `downloadFile` (allowed extensions only, into the roots, through a temp file
 * renamed into place), `deleteFile`, `moveFile` (copy, check the copy, then delete: a failed copy
 * leaves the source untouched) and `headObject`.
 */
import { createWriteStream } from 'node:fs'
import { mkdir, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { pipeline } from 'node:stream/promises'
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3'
import type { BucketOptions } from './bucketOptions.ts'
import { type BucketResult, failure, isNotFound, s3Failure } from './bucketResults.ts'
import { contentTypeOf } from './flightLogFile.ts'
import { insideRoots } from './localRoots.ts'
import { keyProblem } from './objectKeys.ts'
import { objectUrl } from './uploadFlightLog.ts'

/** One listed object. */
export interface ListedObject {
  readonly key: string
  readonly size: number
  readonly last_modified: string | null
  readonly url: string
}

/** Options of `listObjects`. */
export interface ListOptions {
  /** Keys per page, 1..1000 (default 1000). */
  readonly maxKeys?: number
  readonly continuationToken?: string
  /** Follow every page (at most 100 000 keys). */
  readonly all?: boolean
}

/** A page of `listObjects` (or every page, with `all`). */
export interface ObjectList {
  files: ListedObject[]
  total_count: number
  is_truncated: boolean
  prefix: string
  next_continuation_token: string | null
}

/** A finished `downloadFile`. */
export interface DownloadedFile {
  local_path: string
  file_size: number
  s3_key: string
}

/** A finished `deleteFile`. */
export interface DeletedFile {
  s3_key: string
  message: string
}

/** A finished `moveFile`. */
export interface MovedFile {
  source_key: string
  dest_key: string
  message: string
}

/** What `headObject` tells of an object. */
export interface ObjectHead {
  s3_key: string
  metadata: Record<string, string>
  content_length: number
  content_type: string | null
  last_modified: string | null
}

const MAX_ALL = 100_000

/** Lists objects under `<machineId>/<prefix>`. */
export async function listObjects(
  client: S3Client,
  o: BucketOptions,
  prefix = '',
  options: ListOptions = {},
): Promise<BucketResult<ObjectList>> {
  if (o.machineId === undefined) return failure('MACHINE_ID_MISSING', 'Machine ID not available')
  if (typeof prefix !== 'string' || prefix.includes('..'))
    return failure(
      'VALIDATION_ERROR',
      `prefix: expected a key prefix without '..', found ${JSON.stringify(prefix)}`,
    )
  const full = `${o.machineId}/${prefix}`
  const maxKeys = Math.max(1, Math.min(Math.trunc(options.maxKeys ?? 1000), 1000))
  const files: ListedObject[] = []
  let token = options.continuationToken
  let truncated = false
  try {
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: o.bucket,
          Prefix: full,
          MaxKeys: maxKeys,
          ...(token === undefined ? {} : { ContinuationToken: token }),
        }),
      )
      for (const c of page.Contents ?? [])
        files.push({
          key: c.Key!,
          size: c.Size ?? 0,
          last_modified: c.LastModified?.toISOString() ?? null,
          url: objectUrl(o, c.Key!),
        })
      truncated = page.IsTruncated === true
      token = page.NextContinuationToken
    } while (options.all === true && truncated && token !== undefined && files.length < MAX_ALL)
  } catch (e) {
    return s3Failure('List failed', e)
  }
  return {
    success: true,
    files,
    total_count: files.length,
    is_truncated: truncated,
    prefix: full,
    next_continuation_token: truncated ? (token ?? null) : null,
  }
}

/** Downloads an object to `localPath` (inside the roots). */
export async function downloadFile(
  client: S3Client,
  o: BucketOptions,
  key: string,
  localPath: string,
): Promise<BucketResult<DownloadedFile>> {
  const problem = keyProblem(key)
  if (problem !== undefined) return failure('VALIDATION_ERROR', problem)
  if (contentTypeOf(key) === undefined)
    return failure('VALIDATION_ERROR', 'File type not allowed for download')
  const inside = insideRoots(localPath, o.roots)
  if ('problem' in inside) return failure('PATH_NOT_ALLOWED', inside.problem)
  const tmp = `${inside.path}.part-${process.pid}`
  try {
    await mkdir(dirname(inside.path), { recursive: true })
    const got = await client.send(new GetObjectCommand({ Bucket: o.bucket, Key: key }))
    const out = createWriteStream(tmp)
    await pipeline(got.Body as NodeJS.ReadableStream, out)
    await rename(tmp, inside.path)
    return { success: true, local_path: inside.path, file_size: out.bytesWritten, s3_key: key }
  } catch (e) {
    await unlink(tmp).catch(() => {})
    return isNotFound(e) ? failure('NOT_FOUND', 'File not found') : s3Failure('Download failed', e)
  }
}

/** Deletes an object. */
export async function deleteFile(
  client: S3Client,
  o: BucketOptions,
  key: string,
): Promise<BucketResult<DeletedFile>> {
  const problem = keyProblem(key)
  if (problem !== undefined) return failure('VALIDATION_ERROR', problem)
  try {
    await client.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: key }))
    return { success: true, s3_key: key, message: 'File deleted successfully' }
  } catch (e) {
    return s3Failure('Delete failed', e)
  }
}

/** Moves an object: copy, check the copy's size, delete the source. */
export async function moveFile(
  client: S3Client,
  o: BucketOptions,
  sourceKey: string,
  destKey: string,
): Promise<BucketResult<MovedFile>> {
  const problem = keyProblem(sourceKey, 'source_key') ?? keyProblem(destKey, 'dest_key')
  if (problem !== undefined) return failure('VALIDATION_ERROR', problem)
  if (sourceKey === destKey)
    return failure('VALIDATION_ERROR', 'dest_key: expected a key different from source_key')
  let size: number | undefined
  try {
    size = (await client.send(new HeadObjectCommand({ Bucket: o.bucket, Key: sourceKey }))).ContentLength
    const copySource = `${o.bucket}/${sourceKey.split('/').map(encodeURIComponent).join('/')}`
    await client.send(
      new CopyObjectCommand({
        Bucket: o.bucket,
        Key: destKey,
        CopySource: copySource,
        ...(o.sse === undefined ? {} : { ServerSideEncryption: o.sse }),
      }),
    )
    const copied = await client.send(new HeadObjectCommand({ Bucket: o.bucket, Key: destKey }))
    if (copied.ContentLength !== size)
      return failure(
        'S3_ERROR',
        `Move failed: the copy has ${copied.ContentLength} bytes, the source ${size}; the source was kept`,
      )
  } catch (e) {
    return isNotFound(e) && size === undefined
      ? failure('NOT_FOUND', 'File not found')
      : s3Failure('Move failed (the source was kept)', e)
  }
  try {
    await client.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: sourceKey }))
  } catch (e) {
    return {
      ...s3Failure('Move incomplete: copied, but the source could not be deleted', e),
      dest_key: destKey,
    }
  }
  return { success: true, source_key: sourceKey, dest_key: destKey, message: 'File moved successfully' }
}

/** An object's metadata. */
export async function headObject(
  client: S3Client,
  o: BucketOptions,
  key: string,
): Promise<BucketResult<ObjectHead>> {
  const problem = keyProblem(key)
  if (problem !== undefined) return failure('VALIDATION_ERROR', problem)
  try {
    const h = await client.send(new HeadObjectCommand({ Bucket: o.bucket, Key: key }))
    return {
      success: true,
      s3_key: key,
      metadata: h.Metadata ?? {},
      content_length: h.ContentLength ?? 0,
      content_type: h.ContentType ?? null,
      last_modified: h.LastModified?.toISOString() ?? null,
    }
  } catch (e) {
    return isNotFound(e) ? failure('NOT_FOUND', 'File not found') : s3Failure('Head failed', e)
  }
}
