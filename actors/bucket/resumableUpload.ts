/**
 * Uploads one file to S3, resumably. Up to one part size it is a single PutObject; above, a
 * multipart upload of `partSize` parts, `concurrency` at a time. Each request that fails is retried
 * (`retries` attempts, backoff 250 ms doubling to 4 s, see `retryRequest.ts`) without touching the
 * parts already done; each confirmed part is recorded in the upload's state file, so when a whole
 * call gives up (long outage), the next call for the same file continues with the missing parts
 * under the same key.
 * Progress is reported after each confirmed part (and at the start, with what was resumed).
 */
import { readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { retryRequest } from './retryRequest.ts'
import { dropState, loadState, saveState, type UploadState } from './uploadState.ts'

/** A progress report. */
export interface UploadProgress {
  readonly loaded: number
  readonly total: number
  readonly partsDone: number
  readonly parts: number
  /** Parts found done from an earlier attempt. */
  readonly resumedParts: number
}

/** What to upload and how. */
export interface UploadJob {
  readonly client: S3Client
  readonly bucket: string
  readonly filePath: string
  readonly size: number
  /** Used when no earlier attempt left a state (a resumed upload keeps its key). */
  readonly newKey: string
  readonly stateFile: string
  readonly partSize: number
  readonly concurrency: number
  readonly retries: number
  readonly put: {
    readonly ContentType: string
    readonly Metadata: Record<string, string>
    readonly ServerSideEncryption?: 'AES256'
  }
  readonly onProgress?: (p: UploadProgress) => void
  readonly signal?: AbortSignal
}

/** How it went. */
export interface UploadOutcome {
  readonly key: string
  readonly parts: number
  readonly resumedParts: number
  /** Requests that failed and were retried. */
  readonly retried: number
}

/** Uploads `job.filePath`; throws the last error when a request fails `retries` times. */
export async function resumableUpload(job: UploadJob): Promise<UploadOutcome> {
  let retried = 0
  const policy = { attempts: job.retries, minMs: 250, maxMs: 4000 }
  const attempt = async <T>(fn: (sendOptions: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> => {
    job.signal?.throwIfAborted()
    const r = await retryRequest((abortSignal) => fn({ abortSignal }), policy, job.signal)
    retried += r.retried
    return r.value
  }
  if (job.size <= job.partSize) {
    const body = readFileSync(job.filePath)
    job.onProgress?.({ loaded: 0, total: job.size, partsDone: 0, parts: 1, resumedParts: 0 })
    await attempt((sendOptions) =>
      job.client.send(
        new PutObjectCommand({ Bucket: job.bucket, Key: job.newKey, Body: body, ...job.put }),
        sendOptions,
      ),
    )
    job.onProgress?.({ loaded: job.size, total: job.size, partsDone: 1, parts: 1, resumedParts: 0 })
    return { key: job.newKey, parts: 1, resumedParts: 0, retried }
  }
  let state = loadState(job.stateFile)
  if (state === undefined || state.size !== job.size || state.partSize !== job.partSize) {
    const created = await attempt((sendOptions) =>
      job.client.send(
        new CreateMultipartUploadCommand({ Bucket: job.bucket, Key: job.newKey, ...job.put }),
        sendOptions,
      ),
    )
    state = {
      uploadId: created.UploadId!,
      key: job.newKey,
      partSize: job.partSize,
      size: job.size,
      parts: {},
    }
    saveState(job.stateFile, state)
  }
  const current: UploadState = state
  const parts = Math.ceil(job.size / job.partSize)
  const sizeOf = (n: number) => Math.min(job.partSize, job.size - (n - 1) * job.partSize)
  const resumedParts = Object.keys(current.parts).length
  let partsDone = resumedParts
  let loaded = Object.keys(current.parts).reduce((sum, n) => sum + sizeOf(Number(n)), 0)
  job.onProgress?.({ loaded, total: job.size, partsDone, parts, resumedParts })
  const todo = Array.from({ length: parts }, (_, i) => i + 1).filter((n) => current.parts[n] === undefined)
  const fh = await open(job.filePath, 'r')
  let failure: { error: unknown } | undefined
  try {
    const worker = async (): Promise<void> => {
      for (let n = todo.shift(); n !== undefined && failure === undefined; n = todo.shift()) {
        const partNumber = n
        const body = Buffer.allocUnsafe(sizeOf(partNumber))
        await fh.read(body, 0, body.length, (partNumber - 1) * job.partSize)
        let r: { ETag?: string | undefined }
        try {
          r = await attempt((sendOptions) =>
            job.client.send(
              new UploadPartCommand({
                Bucket: job.bucket,
                Key: current.key,
                UploadId: current.uploadId,
                PartNumber: partNumber,
                Body: body,
              }),
              sendOptions,
            ),
          )
        } catch (error) {
          failure ??= { error }
          return
        }
        current.parts[partNumber] = r.ETag!
        saveState(job.stateFile, current)
        partsDone++
        loaded += body.length
        job.onProgress?.({ loaded, total: job.size, partsDone, parts, resumedParts })
      }
    }
    await Promise.all(Array.from({ length: Math.min(job.concurrency, todo.length) }, worker))
  } finally {
    await fh.close()
  }
  if (failure !== undefined) throw failure.error
  try {
    await attempt((sendOptions) =>
      job.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: job.bucket,
          Key: current.key,
          UploadId: current.uploadId,
          MultipartUpload: {
            Parts: Array.from({ length: parts }, (_, i) => ({
              PartNumber: i + 1,
              ETag: current.parts[i + 1]!,
            })),
          },
        }),
        sendOptions,
      ),
    )
  } catch (e) {
    // an upload S3 no longer knows cannot be resumed; the next call starts afresh
    if ((e as { name?: string }).name === 'NoSuchUpload') dropState(job.stateFile)
    throw e
  }
  dropState(job.stateFile)
  return { key: current.key, parts, resumedParts, retried }
}
