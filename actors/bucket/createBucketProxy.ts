/**
 * The bucket outside the runtime: `createBucketProxy({ bucket, ... })` returns the facade petals
 * get, plus `health()` and `close()`. Options not given take the defaults of `bucketOptions.ts`
 * (roots default to `./data` of the working directory).
 */
import { resolve } from 'node:path'
import type { Logger } from '../../runtime/kernel/index.ts'
import { startStandalone } from '../standaloneProxy.ts'
import { BucketFacade } from './BucketFacade.ts'
import type { BucketMsg } from './bucketMessages.ts'
import type { BucketOptions } from './bucketOptions.ts'

/** Options of {@link createBucketProxy}; only `bucket` is required. */
export type CreateBucketOptions = Partial<BucketOptions> & {
  readonly bucket: string
  readonly logger?: Logger
}

/** A standalone bucket proxy. */
export interface StandaloneBucket {
  readonly bucket: BucketFacade
  health(): Promise<Record<string, unknown>>
  close(): Promise<void>
}

/**
 * Starts a bucket proxy outside the runtime.
 *
 * @example
 * const { bucket, close } = await createBucketProxy({ bucket: 'my-logs', machineId: 'drone-7', roots: ['/var/log/px4'] })
 * await bucket.uploadFile('/var/log/px4/2026-12-04.ulg')
 * await close()
 *
 * @category constructors
 */
export async function createBucketProxy(options: CreateBucketOptions): Promise<StandaloneBucket> {
  const full: BucketOptions = {
    region: 'us-east-1',
    endpoint: undefined,
    forcePathStyle: options.endpoint !== undefined,
    credentials: undefined,
    checksums: 'WHEN_SUPPORTED',
    sse: 'AES256',
    roots: [resolve('data')],
    stateDir: resolve('data/uploads'),
    partSize: 8 * 1024 * 1024,
    concurrency: 4,
    retries: 6,
    requestTimeoutMs: 30_000,
    machineId: undefined,
    ...options,
  }
  // The actor's module, and the SDK under it, loads on first use (importing the package stays fast).
  const { bucketBehavior } = await import('./bucketBehavior.ts')
  const running = await startStandalone<unknown, BucketMsg>(
    'bucket',
    bucketBehavior(full) as never,
    options.logger,
  )
  return {
    bucket: new BucketFacade(running.ref),
    health: () => running.ref.ask({ type: 'health' }),
    close: running.close,
  }
}
