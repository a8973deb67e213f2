/**
 * The `bucket` actor. The S3 client is concurrent, so each call starts its operation and replies
 * when it completes (`replyWith`): a long upload never holds the mailbox. Health is cached from the
 * outcomes of real calls (plus one HeadBucket at start), never probed on the health path: a call
 * that reached S3 (even with a 404) marks it reachable; a network or server error marks it not.
 */
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3'
import type { ActorContext, Behavior } from '../../runtime/kernel/index.ts'
import type { BucketMsg } from './bucketMessages.ts'
import type { BucketOptions } from './bucketOptions.ts'
import { type BucketFailure, s3Code } from './bucketResults.ts'
import { ALLOWED_EXTENSIONS } from './flightLogFile.ts'
import { deleteFile, downloadFile, headObject, listObjects, moveFile } from './objectOperations.ts'
import { createS3Client } from './s3Client.ts'
import { uploadFlightLog } from './uploadFlightLog.ts'

interface State {
  readonly client: S3Client
  reachable: boolean | undefined
  lastError: string | undefined
  active: number
  readonly counts: { uploads: number; failed: number }
}

/** Failure codes that mean S3 was not reached (or answered as broken). */
const UNREACHABLE = new Set(['S3_ERROR'])

/**
 * The behaviour of the `bucket` actor.
 *
 * @category constructors
 */
export function bucketBehavior(o: BucketOptions): Behavior<State, BucketMsg> {
  return {
    init: (ctx) => {
      const client = createS3Client(o)
      ctx.onCleanup(() => client.destroy())
      client.send(new HeadBucketCommand({ Bucket: o.bucket })).then(
        () => ctx.self.tell({ type: 'outcome', op: 'probe', reachable: true }),
        (e: unknown) =>
          ctx.self.tell({
            type: 'outcome',
            op: 'probe',
            reachable: false,
            error: `HeadBucket: ${s3Code(e)}`,
          }),
      )
      return {
        client,
        reachable: undefined,
        lastError: undefined,
        active: 0,
        counts: { uploads: 0, failed: 0 },
      }
    },
    receive: (s, msg, ctx) => {
      switch (msg.type) {
        case 'outcome':
          s.reachable = msg.reachable
          if (!msg.reachable) s.lastError = msg.error
          if (msg.op === 'upload') s.active--
          return s
        case 'health':
          ctx.reply(health(s, o))
          return s
        case 'upload':
          s.active++
          s.counts.uploads++
          track(ctx, 'upload', uploadFlightLog(s.client, o, msg.filePath, msg.options), s)
          return s
        case 'list':
          track(ctx, 'list', listObjects(s.client, o, msg.prefix, msg.options), s)
          return s
        case 'download':
          track(ctx, 'download', downloadFile(s.client, o, msg.key, msg.localPath), s)
          return s
        case 'delete':
          track(ctx, 'delete', deleteFile(s.client, o, msg.key), s)
          return s
        case 'move':
          track(ctx, 'move', moveFile(s.client, o, msg.sourceKey, msg.destKey), s)
          return s
        case 'head':
          track(ctx, 'head', headObject(s.client, o, msg.key), s)
          return s
      }
    },
  }
}

function track(
  ctx: ActorContext<BucketMsg>,
  op: string,
  result: Promise<{ success: boolean }>,
  s: State,
): void {
  ctx.replyWith(
    result.then((r) => {
      const f = r as BucketFailure
      const unreachable = !r.success && UNREACHABLE.has(f.code)
      if (!r.success && op === 'upload') s.counts.failed++
      ctx.self.tell({
        type: 'outcome',
        op,
        reachable: !unreachable,
        ...(unreachable ? { error: `${f.error} (${String(f.details ?? '')})` } : {}),
      })
      return r
    }),
  )
}

function health(s: State, o: BucketOptions): Record<string, unknown> {
  return {
    status: s.reachable === false ? 'unhealthy' : 'healthy',
    connection: { bucket_name: o.bucket, endpoint: o.endpoint ?? null, connected: s.reachable ?? null },
    configuration: {
      allowed_extensions: [...ALLOWED_EXTENSIONS],
      request_timeout: o.requestTimeoutMs / 1000,
      roots: o.roots,
      part_size: o.partSize,
      concurrency: o.concurrency,
    },
    machine_info: { machine_id: o.machineId ?? null },
    uploads: { active: s.active, started: s.counts.uploads, failed: s.counts.failed },
    ...(s.reachable === false ? { error: s.lastError ?? 'S3 not reachable' } : {}),
  }
}
