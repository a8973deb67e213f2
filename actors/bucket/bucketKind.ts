/**
 * The `bucket` proxy kind: S3 (or any S3-compatible server through `PETAL_S3_ENDPOINT`) with the
 * original's flight-log checks and key scheme, resumable multipart uploads, and cached health.
 * The actor's module, and the S3 SDK under it, loads when the proxy first starts.
 */
import type { ActorRef } from '../../runtime/kernel/index.ts'
import { lazyBehavior } from '../lazyBehavior.ts'
import type { ProxyHealth, ProxyKind } from '../ProxyKind.ts'
import { BucketFacade } from './BucketFacade.ts'
import type { BucketMsg } from './bucketMessages.ts'
import { type BucketOptions, parseBucketOptions } from './bucketOptions.ts'

/** The bucket proxy kind. */
export const bucketKind: ProxyKind<BucketOptions, BucketFacade> = {
  name: 'bucket',
  title: 'S3 Bucket Proxy',
  parseOptions: (ctx) => parseBucketOptions(ctx),
  child: (options) => ({
    start: lazyBehavior(() => import('./bucketBehavior.ts').then((m) => m.bucketBehavior(options))),
  }),
  facade: (ref) => new BucketFacade(ref as ActorRef<BucketMsg>),
  health: (ref) => (ref as ActorRef<BucketMsg>).ask<ProxyHealth>({ type: 'health' }, { timeoutMs: 400 }),
}
