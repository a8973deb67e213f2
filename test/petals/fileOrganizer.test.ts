/**
 * petal-file-organizer through its actor (issue 5): archive one file; move every file from one
 * prefix to another as a job that reports what moved and what failed (a failed move keeps its
 * source); bad prefixes refused.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBucketProxy, type StandaloneBucket } from '../../actors/bucket/createBucketProxy.ts'
import organizer from '../../petals/petal-file-organizer/index.ts'
import { s3rverBucket } from '../support/s3rverBucket.ts'
import { type S3rverServer, startS3rver } from '../support/servers/s3rver.ts'
import { type PetalUnderTest, startPetal } from './petalHarness.ts'

const M = 'drone-O'
let s3: S3rverServer
let bucket: StandaloneBucket
let petal: PetalUnderTest
let root: string

async function put(key: string): Promise<void> {
  const body = randomBytes(500)
  Buffer.from([0x55, 0x4c, 0x6f, 0x67, 0x01, 0x12, 0x35, 0x01]).copy(body)
  const path = join(root, 'src.ulg')
  writeFileSync(path, body)
  const r = await bucket.bucket.uploadFile(path, { customS3Key: key })
  if (!r.success) throw new Error(r.error)
}

async function keys(prefix: string): Promise<string[]> {
  const r = await bucket.bucket.listObjects(prefix, { all: true })
  return r.success ? r.files.map((f) => f.key) : []
}

beforeAll(async () => {
  s3 = await startS3rver()
  root = mkdtempSync(join(tmpdir(), 'petal-organizer-'))
  bucket = await createBucketProxy(s3rverBucket(s3, root, M))
  petal = await startPetal(organizer, { bucket: bucket.bucket })
})

afterAll(async () => {
  await petal?.stop()
  await bucket?.close()
  await s3?.stop()
})

describe('petal-file-organizer', () => {
  it('archive_file moves one object under the archive prefix', async () => {
    await put(`${M}/flight-logs/one.ulg`)
    expect(await petal.mqtt('archive_file', { s3_key: `${M}/flight-logs/one.ulg` })).toEqual({
      status: 'success',
      message: 'File archived',
      data: { source_key: `${M}/flight-logs/one.ulg`, dest_key: `${M}/archive/flight-logs/one.ulg` },
    })
    expect(await keys('archive/')).toEqual([`${M}/archive/flight-logs/one.ulg`])
    expect(await petal.mqtt('archive_file', { s3_key: `${M}/flight-logs/missing.ulg` })).toMatchObject({
      status: 'error',
      error_code: 'EXECUTION_ERROR',
    })
  })

  it('move_prefix moves every file as a job and reports moved and failed; failed sources stay', async () => {
    for (const n of ['a', 'b', 'c']) await put(`${M}/incoming/${n}.ulg`)
    // 1005 bytes (segments under the file-name limit of s3rver's disk); its destination would pass 1024
    const long = `${M}/incoming/${[...Array(4).fill('x'.repeat(200)), 'y'.repeat(180)].join('/')}.ulg`
    await put(long)
    const ack = await petal.mqtt('move_prefix', {
      source_prefix: 'incoming/',
      dest_prefix: 'sorted-by-the-organizer-petal/',
    })
    expect(ack).toMatchObject({ status: 'success', message: 'Move started' })
    const id = (ack.data as { job_id: string }).job_id
    expect((await petal.jobEnd(id)).kind).toBe('succeeded')
    const status = await petal.mqtt('get_job_status', { job_id: id })
    const report = (
      status.data as {
        result: { moved: { from: string; to: string }[]; failed: { key: string; error: string }[] }
      }
    ).result
    expect(report.moved.map((m) => m.to).sort()).toEqual(
      ['a', 'b', 'c'].map((n) => `${M}/sorted-by-the-organizer-petal/${n}.ulg`),
    )
    expect(report.failed).toHaveLength(1)
    expect(report.failed[0]!.key).toBe(long)
    expect(report.failed[0]!.error).toMatch(/dest_key: expected at most 1024 bytes/)
    expect(await keys('incoming/')).toEqual([long])
    const progress = petal.events.filter((e) => e.job.id === id && e.kind === 'progress').at(-1)
    expect(progress?.job.progress).toMatchObject({ done: 4, total: 4 })
  })

  it('bad prefixes and keys are refused with VALIDATION_ERROR', async () => {
    for (const payload of [
      { source_prefix: '../x', dest_prefix: 'y/' },
      { source_prefix: 'x/', dest_prefix: '/abs' },
      { source_prefix: 'x/', dest_prefix: 'x/' },
      {},
    ])
      expect(await petal.mqtt('move_prefix', payload)).toMatchObject({
        status: 'error',
        error_code: 'VALIDATION_ERROR',
      })
    expect(await petal.mqtt('archive_file', { s3_key: 'nokey' })).toMatchObject({
      error_code: 'VALIDATION_ERROR',
    })
    expect((await petal.http('GET /jobs/:id', '/jobs/none', undefined, { id: 'none' })).status).toBe(404)
  })
})
