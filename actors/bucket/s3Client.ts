/**
 * Builds the S3 client from the bucket options. The SDK's own retries are off (`maxAttempts: 1`):
 * the proxy retries per part with its own backoff, so a part is never sent by two layers at once.
 */
import { S3Client } from '@aws-sdk/client-s3'
import type { BucketOptions } from './bucketOptions.ts'

/** Creates the S3 client; `destroy()` it when done. */
export function createS3Client(o: BucketOptions): S3Client {
  return new S3Client({
    region: o.region,
    ...(o.endpoint === undefined ? {} : { endpoint: o.endpoint }),
    ...(o.credentials === undefined ? {} : { credentials: o.credentials }),
    forcePathStyle: o.forcePathStyle,
    requestChecksumCalculation: o.checksums,
    responseChecksumValidation: o.checksums,
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: o.requestTimeoutMs,
      connectionTimeout: Math.min(o.requestTimeoutMs, 5000),
    },
  })
}
