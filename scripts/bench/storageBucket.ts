/**
 * S3 part of the storage benchmark: upload throughput of the `bucket` proxy (resumable multipart,
 * 8 MiB parts, 4 in flight) beside a raw `@aws-sdk/lib-storage` `Upload` of the same file with the
 * same part size and queue size, both against s3rver in its own process on this machine, measured
 * in the same run (one warm-up each, then best of N, alternating which goes first). Target: ours at least 0.9x the raw Upload.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { createBucketProxy } from '../../actors/bucket/createBucketProxy.ts'
import { startS3rver } from '../../test/support/servers/s3rver.ts'
import { type BenchRow, round } from './harness.ts'

const MB = 1024 * 1024
const PART = 8 * MB
const QUEUE = 4

/** Runs the S3 row. */
export async function bucketRows(quick: boolean): Promise<BenchRow[]> {
  const size = quick ? 40 * MB : 96 * MB
  const runs = quick ? 2 : 3
  const s3 = await startS3rver()
  const dir = mkdtempSync(join(tmpdir(), 'petal-bench-s3-'))
  const file = join(dir, 'bench.ulg')
  const body = randomBytes(size)
  Buffer.from([0x55, 0x4c, 0x6f, 0x67, 0x01, 0x12, 0x35, 0x01]).copy(body)
  writeFileSync(file, body)
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
  const proxy = await createBucketProxy({
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    credentials,
    checksums: 'WHEN_REQUIRED',
    machineId: 'bench',
    roots: [dir],
    stateDir: join(dir, '.uploads'),
    partSize: PART,
    concurrency: QUEUE,
  })
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  })
  let ours = Number.POSITIVE_INFINITY
  let raw = Number.POSITIVE_INFINITY
  const oursOnce = async (): Promise<number> => {
    const t0 = performance.now()
    const res = await proxy.bucket.uploadFile(file)
    if (!res.success) throw new Error(`bucket upload failed: ${res.error}`)
    return performance.now() - t0
  }
  const rawOnce = async (r: number): Promise<number> => {
    const t0 = performance.now()
    await new Upload({
      client,
      params: { Bucket: s3.bucket, Key: `raw/bench-${r}.ulg`, Body: createReadStream(file) },
      partSize: PART,
      queueSize: QUEUE,
    }).done()
    return performance.now() - t0
  }
  try {
    // one warm-up each (JIT, s3rver's first writes), then alternate which goes first
    await oursOnce()
    await rawOnce(-1)
    for (let r = 0; r < runs; r++) {
      if (r % 2 === 0) {
        ours = Math.min(ours, await oursOnce())
        raw = Math.min(raw, await rawOnce(r))
      } else {
        raw = Math.min(raw, await rawOnce(r))
        ours = Math.min(ours, await oursOnce())
      }
    }
  } finally {
    client.destroy()
    await proxy.close()
    await s3.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  const mbps = (ms: number) => round(size / MB / (ms / 1000), 1)
  return [
    {
      case: `S3 upload ${size / MB} MB (s3rver)`,
      metric: 'throughput',
      unit: 'MB/s',
      ours: mbps(ours),
      baselines: { 'lib-storage Upload': mbps(raw) },
      target: '>= 0.9x lib-storage',
      pass: mbps(ours) >= 0.9 * mbps(raw),
    },
  ]
}
