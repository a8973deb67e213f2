/**
 * Options of the `cloud` proxy (and of the local DB's outbox push), from `PETAL_*` variables over
 * the standard AWS chain: `PETAL_CLOUD_REGION` (else `AWS_REGION`, `AWS_DEFAULT_REGION`, else
 * `us-east-1`), `PETAL_CLOUD_ENDPOINT` (a DynamoDB endpoint, e.g. DynamoDB Local; default AWS's),
 * `PETAL_CLOUD_ACCESS_KEY_ID` + `PETAL_CLOUD_SECRET_ACCESS_KEY` (both or neither; default: the AWS
 * chain), `PETAL_CLOUD_DEVICE_SCOPING` (stamp and filter `robot_instance_id`, soft delete; default
 * true), `PETAL_CLOUD_REQUEST_TIMEOUT` (seconds, default 30, as the original).
 */
import { OptionReader } from '../optionReader.ts'
import type { OptionIssue, ProxyContext } from '../ProxyKind.ts'

/** Resolved cloud DB options. */
export interface CloudDbOptions {
  readonly region: string
  readonly endpoint: string | undefined
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined
  readonly deviceScoping: boolean
  readonly requestTimeoutMs: number
  readonly machineId: string | undefined
}

/** Reads the cloud options through `r` (issues accumulate in it). */
export function readCloudDbOptions(r: OptionReader, machineId: string | undefined): CloudDbOptions {
  const region =
    r.matching('PETAL_CLOUD_REGION', /^[a-z]{2}(-[a-z]+)+-\d+$|^local$/, 'an AWS region such as eu-west-1') ??
    r.string('AWS_REGION') ??
    r.string('AWS_DEFAULT_REGION') ??
    'us-east-1'
  const endpoint = r.url('PETAL_CLOUD_ENDPOINT')
  const keyId = r.string('PETAL_CLOUD_ACCESS_KEY_ID')
  const secret = r.string('PETAL_CLOUD_SECRET_ACCESS_KEY')
  if ((keyId === undefined) !== (secret === undefined)) {
    r.issues.push({
      key: keyId === undefined ? 'PETAL_CLOUD_ACCESS_KEY_ID' : 'PETAL_CLOUD_SECRET_ACCESS_KEY',
      expected:
        'PETAL_CLOUD_ACCESS_KEY_ID and PETAL_CLOUD_SECRET_ACCESS_KEY together (or neither, for the AWS chain)',
      found: 'only one of them',
    })
  }
  return {
    region,
    endpoint,
    credentials:
      keyId !== undefined && secret !== undefined
        ? { accessKeyId: keyId, secretAccessKey: secret }
        : undefined,
    deviceScoping: r.boolean('PETAL_CLOUD_DEVICE_SCOPING', true),
    requestTimeoutMs: r.number('PETAL_CLOUD_REQUEST_TIMEOUT', 30, 0.1, 600) * 1000,
    machineId,
  }
}

/**
 * Reads the cloud DB options.
 *
 * @category config
 */
export function parseCloudDbOptions(
  ctx: Pick<ProxyContext, 'env' | 'machineId'>,
): { readonly options: CloudDbOptions } | { readonly issues: readonly OptionIssue[] } {
  const r = new OptionReader(ctx.env)
  const options = readCloudDbOptions(r, ctx.machineId)
  return r.issues.length > 0 ? { issues: r.issues } : { options }
}
