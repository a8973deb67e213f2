/**
 * The bucket proxy options the suites use against s3rver (`servers/s3rver.ts`): its bucket and
 * endpoint, its fixed credentials, `WHEN_REQUIRED` checksums (s3rver stores aws-chunked framing
 * otherwise), one allowed root and the upload state under `<root>/.uploads`. Spread and override
 * what a suite changes (endpoint through a fault proxy, part size, retries).
 */
import { join } from 'node:path'
import type { CreateBucketOptions } from '../../actors/bucket/createBucketProxy.ts'
import type { S3rverServer } from './servers/s3rver.ts'

/**
 * Options of `createBucketProxy` for `s3`, with files under `root`, as device `machineId`.
 *
 * @example
 * ```ts
 * const bucket = await createBucketProxy({ ...s3rverBucket(s3, root, 'drone-7'), partSize: 5 * MB })
 * ```
 * @category testing
 */
export function s3rverBucket(s3: S3rverServer, root: string, machineId: string): CreateBucketOptions {
  return {
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    checksums: 'WHEN_REQUIRED',
    machineId,
    roots: [root],
    stateDir: join(root, '.uploads'),
  }
}
