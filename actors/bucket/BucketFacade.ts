/**
 * What petals call on the `bucket` proxy (`ctx.proxy('bucket')`): `uploadFile`, `listObjects` (and
 * the original's name `listFiles`), `downloadFile`, `deleteFile`, `moveFile`, `headObject`. Every
 * method resolves to `{ success: true, ... }` or `{ success: false, error, code }`; none rejects
 * for a bucket problem (an unreachable bucket actor still rejects with the kernel's error).
 */
import type { ActorRef } from '../../runtime/kernel/index.ts'
import type { BucketMsg } from './bucketMessages.ts'
import type { BucketResult } from './bucketResults.ts'
import type {
  DeletedFile,
  DownloadedFile,
  ListOptions,
  MovedFile,
  ObjectHead,
  ObjectList,
} from './objectOperations.ts'
import type { UploadOptions, UploadSuccess } from './uploadFlightLog.ts'

const UPLOAD_TIMEOUT_MS = 6 * 3600_000
const CALL_TIMEOUT_MS = 10 * 60_000

/**
 * The bucket facade.
 *
 * @example
 * const bucket = ctx.proxy('bucket')
 * const r = await bucket.uploadFile('/data/logs/flight.ulg', { onProgress: (p) => job.progress({ done: p.loaded, total: p.total }) })
 * if (r.success) ctx.log.info({ key: r.s3_key }, 'uploaded')
 *
 * @category facades
 */
export class BucketFacade {
  constructor(private readonly ref: ActorRef<BucketMsg>) {}

  /** Validates and uploads a flight log (`.ulg`/`.bag`); resumable, with progress. */
  uploadFile(filePath: string, options: UploadOptions = {}): Promise<BucketResult<UploadSuccess>> {
    return this.ref.ask({ type: 'upload', filePath, options }, { timeoutMs: UPLOAD_TIMEOUT_MS })
  }

  /** Lists objects under `<machineId>/<prefix>`. */
  listObjects(prefix = '', options: ListOptions = {}): Promise<BucketResult<ObjectList>> {
    return this.ref.ask({ type: 'list', prefix, options }, { timeoutMs: CALL_TIMEOUT_MS })
  }

  /** The original's `list_files(prefix, max_keys)`. */
  listFiles(prefix = '', maxKeys = 100): ReturnType<BucketFacade['listObjects']> {
    return this.listObjects(prefix, { maxKeys })
  }

  /** Downloads an object into the allowed roots. */
  downloadFile(s3Key: string, localPath: string): Promise<BucketResult<DownloadedFile>> {
    return this.ref.ask({ type: 'download', key: s3Key, localPath }, { timeoutMs: UPLOAD_TIMEOUT_MS })
  }

  deleteFile(s3Key: string): Promise<BucketResult<DeletedFile>> {
    return this.ref.ask({ type: 'delete', key: s3Key }, { timeoutMs: CALL_TIMEOUT_MS })
  }

  /** Copies then deletes; the source survives a failed copy. */
  moveFile(sourceKey: string, destKey: string): Promise<BucketResult<MovedFile>> {
    return this.ref.ask({ type: 'move', sourceKey, destKey }, { timeoutMs: CALL_TIMEOUT_MS })
  }

  headObject(s3Key: string): Promise<BucketResult<ObjectHead>> {
    return this.ref.ask({ type: 'head', key: s3Key }, { timeoutMs: CALL_TIMEOUT_MS })
  }
}
