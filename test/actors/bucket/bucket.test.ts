/**
 * The `bucket` proxy against s3rver in its own process (issue 5): a 50 MB upload survives a
 * connection cut midway by resuming (not restarting) and reads back byte-equal; an upload that
 * gives up during a long outage continues on the next call; move, list with pagination, delete,
 * head and download; and bad input (path traversal, wrong magic bytes, wrong extension, bad keys)
 * gets a clear error with nothing written.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBucketProxy, type StandaloneBucket } from '../../../actors/bucket/createBucketProxy.ts'
import type { UploadProgress } from '../../../actors/bucket/resumableUpload.ts'
import { type FaultProxy, startFaultProxy } from '../../support/faultProxy.ts'
import { s3rverBucket } from '../../support/s3rverBucket.ts'
import { type S3rverServer, startS3rver } from '../../support/servers/s3rver.ts'

const MB = 1024 * 1024
const MACHINE = 'test-machine'
let s3: S3rverServer
let fault: FaultProxy
let root: string
let direct: S3Client

function ulog(name: string, size: number): string {
  const body = randomBytes(size)
  Buffer.from([0x55, 0x4c, 0x6f, 0x67, 0x01, 0x12, 0x35, 0x01]).copy(body)
  const path = join(root, name)
  writeFileSync(path, body)
  return path
}

async function stored(key: string): Promise<Buffer> {
  const got = await direct.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))
  return Buffer.from(await got.Body!.transformToByteArray())
}

async function allKeys(): Promise<string[]> {
  const r = await direct.send(new ListObjectsV2Command({ Bucket: s3.bucket }))
  return (r.Contents ?? []).map((c) => c.Key!).sort()
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function proxy(options: { retries?: number; viaFault?: boolean } = {}): Promise<StandaloneBucket> {
  return createBucketProxy({
    ...s3rverBucket(s3, root, MACHINE),
    endpoint: `http://127.0.0.1:${options.viaFault === false ? s3.port : fault.port}`,
    partSize: 5 * MB,
    concurrency: 4,
    retries: options.retries ?? 6,
    requestTimeoutMs: 10_000,
  })
}

beforeAll(async () => {
  s3 = await startS3rver()
  fault = await startFaultProxy(s3.port)
  root = mkdtempSync(join(tmpdir(), 'petal-bucket-'))
  direct = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  })
})

afterAll(async () => {
  direct?.destroy()
  await fault?.close()
  await s3?.stop()
})

describe('bucket uploads', () => {
  it('a 50 MB upload cut midway resumes without starting over and reads back byte-equal', async () => {
    const file = ulog('big.ulg', 50 * MB)
    const { bucket, close } = await proxy()
    const progress: UploadProgress[] = []
    const before = fault.bytesUp
    const outage = fault.cutAfter(25 * MB, 700)
    const r = await bucket.uploadFile(file, { onProgress: (p) => progress.push(p) })
    await outage
    await close()
    expect(r.success, JSON.stringify(r)).toBe(true)
    if (!r.success) return
    expect(r.s3_key).toMatch(new RegExp(`^${MACHINE}/flight-logs/\\d{8}_\\d{6}_[0-9a-f-]{36}_big\\.ulg$`))
    expect(r).toMatchObject({ file_size: 50 * MB, content_type: 'application/x-ulog', parts: 10 })
    expect(r.retries).toBeGreaterThan(0)
    expect(sha(await stored(r.s3_key))).toBe(sha(readFileSync(file)))
    // resumed: at most the parts in flight at the cut were sent twice, not the whole file
    expect(fault.bytesUp - before).toBeLessThan(50 * MB + 4 * 5 * MB + MB)
    expect(progress.at(-1)).toMatchObject({ loaded: 50 * MB, total: 50 * MB, partsDone: 10 })
    expect(progress.map((p) => p.loaded)).toEqual([...progress.map((p) => p.loaded)].sort((a, b) => a - b))
  }, 60_000)

  it('an upload that gives up during a long outage continues on the next call under the same key', async () => {
    const file = ulog('outage.ulg', 40 * MB)
    const { bucket, close } = await proxy({ retries: 2 })
    void fault.cutAfter(26 * MB, 60_000)
    const first = await bucket.uploadFile(file)
    expect(first).toMatchObject({ success: false, code: 'S3_ERROR', resumable: true })
    expect((first as { error: string }).error).toMatch(/^Upload failed: /)
    fault.up()
    const before = fault.bytesUp
    const second = await bucket.uploadFile(file)
    await close()
    expect(second.success, JSON.stringify(second)).toBe(true)
    if (!second.success) return
    expect(second.resumed_parts).toBeGreaterThanOrEqual(1)
    expect(fault.bytesUp - before).toBeLessThanOrEqual(40 * MB - second.resumed_parts * 5 * MB + MB)
    expect(sha(await stored(second.s3_key))).toBe(sha(readFileSync(file)))
  }, 60_000)
})

describe('bucket object methods', () => {
  it('move, list with pagination, delete, head and download', async () => {
    const { bucket, close, health } = await proxy({ viaFault: false })
    const keys: string[] = []
    for (let i = 0; i < 5; i++) {
      const r = await bucket.uploadFile(ulog(`small${i}.ulg`, 1000 + i), {
        customS3Key: `${MACHINE}/pages/log${i}.ulg`,
      })
      expect(r.success).toBe(true)
      keys.push(`${MACHINE}/pages/log${i}.ulg`)
    }
    const page1 = await bucket.listObjects('pages/', { maxKeys: 2 })
    expect(page1).toMatchObject({
      success: true,
      total_count: 2,
      is_truncated: true,
      prefix: `${MACHINE}/pages/`,
    })
    if (!page1.success) return
    const page2 = await bucket.listObjects('pages/', {
      maxKeys: 2,
      continuationToken: page1.next_continuation_token!,
    })
    expect(page2.success && page2.files.map((f) => f.key)).toEqual(keys.slice(2, 4))
    const all = await bucket.listObjects('pages/', { maxKeys: 2, all: true })
    expect(all.success && all.files.map((f) => f.key)).toEqual(keys)

    const moved = await bucket.moveFile(keys[0]!, `${MACHINE}/archive/log0.ulg`)
    expect(moved).toEqual({
      success: true,
      source_key: keys[0],
      dest_key: `${MACHINE}/archive/log0.ulg`,
      message: 'File moved successfully',
    })
    expect(await bucket.headObject(keys[0]!)).toMatchObject({
      success: false,
      error: 'File not found',
      code: 'NOT_FOUND',
    })
    const head = await bucket.headObject(`${MACHINE}/archive/log0.ulg`)
    expect(head).toMatchObject({ success: true, content_length: 1000, content_type: 'application/x-ulog' })
    expect(head.success && head.metadata).toMatchObject({
      'original-filename': 'small0.ulg',
      'machine-id': MACHINE,
    })

    expect(await bucket.deleteFile(keys[1]!)).toEqual({
      success: true,
      s3_key: keys[1],
      message: 'File deleted successfully',
    })
    const after = await bucket.listObjects('pages/', { all: true })
    expect(after.success && after.files.map((f) => f.key)).toEqual(keys.slice(2))

    const dl = await bucket.downloadFile(keys[2]!, join(root, 'downloads', 'copy.ulg'))
    expect(dl).toMatchObject({ success: true, file_size: 1002 })
    expect(readFileSync(join(root, 'downloads', 'copy.ulg'))).toEqual(readFileSync(join(root, 'small2.ulg')))
    expect(await bucket.downloadFile(`${MACHINE}/pages/none.ulg`, join(root, 'x.ulg'))).toMatchObject({
      error: 'File not found',
    })
    expect(await bucket.downloadFile(`${MACHINE}/notes.txt`, join(root, 'x.txt'))).toMatchObject({
      error: 'File type not allowed for download',
    })
    expect(await bucket.downloadFile(keys[2]!, '/tmp/outside.ulg')).toMatchObject({
      code: 'PATH_NOT_ALLOWED',
    })
    expect(await health()).toMatchObject({ status: 'healthy', connection: { connected: true } })
    await close()
  }, 30_000)

  it('a move whose copy fails keeps the source', async () => {
    const { bucket, close } = await proxy()
    const key = `${MACHINE}/keep/source.ulg`
    expect((await bucket.uploadFile(ulog('keep.ulg', 2000), { customS3Key: key })).success).toBe(true)
    const outage = fault.cutWhen(/x-amz-copy-source/i, 100)
    const r = await bucket.moveFile(key, `${MACHINE}/keep/dest.ulg`)
    await outage
    expect(r).toMatchObject({ success: false, code: 'S3_ERROR' })
    expect((r as { error: string }).error).toMatch(/source was kept/)
    expect(await allKeys()).toContain(key)
    expect(await allKeys()).not.toContain(`${MACHINE}/keep/dest.ulg`)
    await close()
  }, 30_000)
})

describe('bucket refuses bad input and writes nothing', () => {
  it('path traversal, symlinks out of the roots, wrong magic bytes, wrong extension, bad keys', async () => {
    const { bucket, close } = await proxy({ viaFault: false })
    const outside = mkdtempSync(join(tmpdir(), 'petal-outside-'))
    const secret = join(outside, 'secret.ulg')
    writeFileSync(
      secret,
      Buffer.concat([Buffer.from([0x55, 0x4c, 0x6f, 0x67, 0x01, 0x12, 0x35, 0x01]), Buffer.alloc(100)]),
    )
    symlinkSync(secret, join(root, 'link.ulg'))
    mkdirSync(join(root, 'sub'), { recursive: true })
    writeFileSync(join(root, 'fake.ulg'), 'not a ulog at all')
    writeFileSync(join(root, 'fake.bag'), 'not a bag')
    writeFileSync(join(root, 'empty.ulg'), '')
    writeFileSync(join(root, 'notes.txt'), 'hello')
    const before = await allKeys()
    const cases: [Promise<unknown>, string, RegExp][] = [
      [
        bucket.uploadFile(join(root, 'sub', '..', '..', outside.split('/').pop()!, 'secret.ulg')),
        'PATH_NOT_ALLOWED',
        /^Path not allowed: /,
      ],
      [bucket.uploadFile(`${root}/../../../${secret}`), 'PATH_NOT_ALLOWED', /outside the allowed roots/],
      [bucket.uploadFile(join(root, 'link.ulg')), 'PATH_NOT_ALLOWED', /outside the allowed roots/],
      [
        bucket.uploadFile(join(root, 'fake.ulg')),
        'VALIDATION_ERROR',
        /^File validation failed: Invalid ULog header \(magic\/version mismatch\)$/,
      ],
      [
        bucket.uploadFile(join(root, 'fake.bag')),
        'VALIDATION_ERROR',
        /^File validation failed: Invalid ROS bag header \(expected '#ROSBAG'\)$/,
      ],
      [
        bucket.uploadFile(join(root, 'empty.ulg')),
        'VALIDATION_ERROR',
        /^File validation failed: File is empty$/,
      ],
      [
        bucket.uploadFile(join(root, 'missing.ulg')),
        'VALIDATION_ERROR',
        /^File validation failed: File does not exist$/,
      ],
      [
        bucket.uploadFile(join(root, 'notes.txt')),
        'VALIDATION_ERROR',
        /^Invalid file extension\. Only \.ulg, \.bag files are allowed$/,
      ],
      [
        bucket.uploadFile(join(root, 'fake.ulg'), { customFilename: 'x.exe' }),
        'VALIDATION_ERROR',
        /Invalid file extension/,
      ],
      [
        bucket.uploadFile(secret, { customS3Key: '../../etc/x.ulg' }),
        'VALIDATION_ERROR',
        /'\.' and '\.\.' segments/,
      ],
      [bucket.moveFile(`${MACHINE}/a.ulg`, '/abs.ulg'), 'VALIDATION_ERROR', /must not start with '\/'/],
    ]
    for (const [call, code, message] of cases) {
      const r = (await call) as { success: boolean; code: string; error: string }
      expect(r.success).toBe(false)
      expect(r.code, r.error).toBe(code)
      expect(r.error).toMatch(message)
    }
    expect(await allKeys()).toEqual(before)
    await close()
  })

  it('bad PETAL_S3_* values are reported as issues, not thrown', async () => {
    const { parseBucketOptions } = await import('../../../actors/bucket/bucketOptions.ts')
    const r = parseBucketOptions({
      env: {
        PETAL_S3_BUCKET_NAME: 'X',
        PETAL_S3_PART_SIZE_MB: '1',
        PETAL_S3_ENDPOINT: 'ftp://x',
        PETAL_S3_CHECKSUMS: 'always',
      },
      configDir: '/',
      machineId: 'm',
    })
    expect('issues' in r && r.issues.map((i) => i.key).sort()).toEqual(
      ['PETAL_S3_BUCKET_NAME', 'PETAL_S3_CHECKSUMS', 'PETAL_S3_ENDPOINT', 'PETAL_S3_PART_SIZE_MB'].sort(),
    )
    expect(parseBucketOptions({ env: {}, configDir: '/', machineId: 'm' })).toMatchObject({
      issues: [{ key: 'PETAL_S3_BUCKET_NAME' }],
    })
  })
})
