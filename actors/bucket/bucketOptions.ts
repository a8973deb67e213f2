/**
 * Options of the `bucket` proxy, from `PETAL_*` variables over the standard AWS chain:
 * `PETAL_S3_BUCKET_NAME` (required), `PETAL_S3_REGION` (else `AWS_REGION`, else `us-east-1`),
 * `PETAL_S3_ENDPOINT` (e.g. s3rver; path-style addressing then, unless
 * `PETAL_S3_FORCE_PATH_STYLE=false`), `PETAL_S3_ACCESS_KEY_ID` + `PETAL_S3_SECRET_ACCESS_KEY` (both
 * or neither), `PETAL_S3_CHECKSUMS` (`when_supported`, default, or `when_required` for s3rver),
 * `PETAL_S3_SSE` (`AES256`, default, or `none`), `PETAL_S3_ROOTS` (`:`-separated directories local
 * files may be read from or written to; default `<config dir>/data`), `PETAL_S3_STATE_DIR`
 * (resumable upload state; default `<config dir>/data/uploads`), `PETAL_S3_PART_SIZE_MB` (default
 * 8, at least 5), `PETAL_S3_CONCURRENCY` (parts in flight, default 4), `PETAL_S3_RETRIES` (attempts
 * per part, default 6), `PETAL_S3_REQUEST_TIMEOUT` (seconds, default 30, as the original).
 */
import { resolve } from 'node:path'
import { OptionReader } from '../optionReader.ts'
import type { OptionIssue, ProxyContext } from '../ProxyKind.ts'

/** Resolved bucket options. */
export interface BucketOptions {
  readonly bucket: string
  readonly region: string
  readonly endpoint: string | undefined
  readonly forcePathStyle: boolean
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined
  readonly checksums: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED'
  readonly sse: 'AES256' | undefined
  readonly roots: readonly string[]
  readonly stateDir: string
  readonly partSize: number
  readonly concurrency: number
  readonly retries: number
  readonly requestTimeoutMs: number
  readonly machineId: string | undefined
}

/**
 * Reads the bucket options.
 *
 * @category config
 */
export function parseBucketOptions(
  ctx: Pick<ProxyContext, 'env' | 'configDir' | 'machineId'>,
): { readonly options: BucketOptions } | { readonly issues: readonly OptionIssue[] } {
  const r = new OptionReader(ctx.env)
  const bucket = r.matching(
    'PETAL_S3_BUCKET_NAME',
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'an S3 bucket name (3 to 63 lower-case letters, digits, dots, hyphens)',
  )
  if (bucket === undefined && r.raw('PETAL_S3_BUCKET_NAME') === undefined)
    r.issues.push({
      key: 'PETAL_S3_BUCKET_NAME',
      expected: 'the bucket to use (required by the bucket proxy)',
      found: 'nothing',
    })
  const region =
    r.matching('PETAL_S3_REGION', /^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1') ??
    r.string('AWS_REGION') ??
    'us-east-1'
  const endpoint = r.url('PETAL_S3_ENDPOINT')
  const keyId = r.string('PETAL_S3_ACCESS_KEY_ID')
  const secret = r.string('PETAL_S3_SECRET_ACCESS_KEY')
  if ((keyId === undefined) !== (secret === undefined))
    r.issues.push({
      key: 'PETAL_S3_ACCESS_KEY_ID',
      expected: 'PETAL_S3_ACCESS_KEY_ID and PETAL_S3_SECRET_ACCESS_KEY together (or neither)',
      found: 'only one of them',
    })
  const checksums = r.matching(
    'PETAL_S3_CHECKSUMS',
    /^(when_supported|when_required)$/i,
    'when_supported or when_required',
  )
  const sse = r.matching('PETAL_S3_SSE', /^(AES256|none)$/i, 'AES256 or none')
  const roots = (r.string('PETAL_S3_ROOTS') ?? './data')
    .split(':')
    .filter((p) => p !== '')
    .map((p) => resolve(ctx.configDir, p))
  const options: BucketOptions = {
    bucket: bucket ?? '',
    region,
    endpoint,
    forcePathStyle: r.boolean('PETAL_S3_FORCE_PATH_STYLE', endpoint !== undefined),
    credentials:
      keyId !== undefined && secret !== undefined
        ? { accessKeyId: keyId, secretAccessKey: secret }
        : undefined,
    checksums: checksums?.toLowerCase() === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    sse: sse?.toLowerCase() === 'none' ? undefined : 'AES256',
    roots,
    stateDir: resolve(ctx.configDir, r.string('PETAL_S3_STATE_DIR', './data/uploads')),
    partSize: r.number('PETAL_S3_PART_SIZE_MB', 8, 5, 512) * 1024 * 1024,
    concurrency: r.number('PETAL_S3_CONCURRENCY', 4, 1, 32, true),
    retries: r.number('PETAL_S3_RETRIES', 6, 1, 100, true),
    requestTimeoutMs: r.number('PETAL_S3_REQUEST_TIMEOUT', 30, 0.1, 3600) * 1000,
    machineId: ctx.machineId,
  }
  return r.issues.length > 0 ? { issues: r.issues } : { options }
}
