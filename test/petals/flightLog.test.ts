/**
 * petal-flight-log through its actor (issue 5): an MQTT upload answers at once with a job id
 * (phase 1), the job reports progress and succeeds with the object under the organised key
 * (phase 2), the history lands in the local DB, and bad requests, bad files and cancels are
 * answered clearly. HTTP routes reach the same code.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBucketProxy, type StandaloneBucket } from '../../actors/bucket/createBucketProxy.ts'
import { createLocalDbProxy, type StandaloneLocalDb } from '../../actors/localdb/createLocalDbProxy.ts'
import flightLog from '../../petals/petal-flight-log/index.ts'
import { s3rverBucket } from '../support/s3rverBucket.ts'
import { type S3rverServer, startS3rver } from '../support/servers/s3rver.ts'
import { type PetalUnderTest, startPetal } from './petalHarness.ts'

const MB = 1024 * 1024
let s3: S3rverServer
let bucket: StandaloneBucket
let db: StandaloneLocalDb
let petal: PetalUnderTest
let root: string

function ulog(name: string, size: number, magic = true): string {
  const body = randomBytes(size)
  if (magic) Buffer.from([0x55, 0x4c, 0x6f, 0x67, 0x01, 0x12, 0x35, 0x01]).copy(body)
  const path = join(root, name)
  writeFileSync(path, body)
  return path
}

beforeAll(async () => {
  s3 = await startS3rver()
  root = mkdtempSync(join(tmpdir(), 'petal-flightlog-'))
  bucket = await createBucketProxy({ ...s3rverBucket(s3, root, 'drone-F'), partSize: 5 * MB })
  db = await createLocalDbProxy({ path: join(root, 'petal.db') })
  petal = await startPetal(flightLog, { bucket: bucket.bucket, db: db.db })
})

afterAll(async () => {
  await petal?.stop()
  await bucket?.close()
  await db?.close()
  await s3?.stop()
})

describe('petal-flight-log', () => {
  it('upload_flight_log answers with a job id, then the job reports progress and uploads under the organised key', async () => {
    const file = ulog('survey.ulg', 12 * MB)
    const ack = await petal.mqtt('upload_flight_log', { file_path: file })
    expect(ack).toMatchObject({ status: 'success', message: 'Upload started', data: { file_path: file } })
    const id = (ack.data as { job_id: string }).job_id
    const end = await petal.jobEnd(id)
    expect(end.kind, end.job.error).toBe('succeeded')
    const progress = petal.events.filter((e) => e.job.id === id && e.kind === 'progress')
    expect(progress.length).toBeGreaterThanOrEqual(1)
    expect(progress.at(-1)!.job.progress).toMatchObject({ done: 12 * MB, total: 12 * MB, fraction: 1 })

    const status = await petal.mqtt('get_upload_status', { job_id: id })
    const result = (status.data as { result: { s3_key: string; file_size: number } }).result
    expect(result.s3_key).toMatch(/^drone-F\/flight-logs\/\d{8}_\d{6}_[0-9a-f-]{36}_survey\.ulg$/)
    expect(result.file_size).toBe(12 * MB)
    const head = await bucket.bucket.headObject(result.s3_key)
    expect(head).toMatchObject({ success: true, content_length: 12 * MB })
    expect(
      await db.db.fetchOne('SELECT status, s3_key FROM flight_log_uploads WHERE job_id = ?', [id]),
    ).toEqual({
      status: 'succeeded',
      s3_key: result.s3_key,
    })
  }, 60_000)

  it('bad requests are refused at once; a bad file fails its job with the bucket error', async () => {
    expect(await petal.mqtt('upload_flight_log', {})).toMatchObject({
      status: 'error',
      error_code: 'VALIDATION_ERROR',
    })
    expect(await petal.mqtt('upload_flight_log', { file_path: join(root, 'notes.txt') })).toMatchObject({
      status: 'error',
      error_code: 'VALIDATION_ERROR',
    })
    const ack = await petal.mqtt('upload_flight_log', { file_path: ulog('fake.ulg', 1000, false) })
    const end = await petal.jobEnd((ack.data as { job_id: string }).job_id)
    expect(end.kind).toBe('failed')
    expect(end.job.error).toContain('File validation failed: Invalid ULog header (magic/version mismatch)')
    expect(await petal.mqtt('get_upload_status', { job_id: 'nope' })).toMatchObject({ status: 'error' })
  })

  it('a second upload of a running file is OPERATION_ACTIVE, and cancel_upload cancels it', async () => {
    const file = ulog('long.ulg', 40 * MB)
    const ack = await petal.mqtt('upload_flight_log', { file_path: file })
    const id = (ack.data as { job_id: string }).job_id
    expect(await petal.mqtt('upload_flight_log', { file_path: file })).toMatchObject({
      status: 'error',
      error_code: 'OPERATION_ACTIVE',
    })
    expect(await petal.mqtt('cancel_upload', { job_id: id })).toMatchObject({ status: 'success' })
    expect((await petal.jobEnd(id)).kind).toBe('cancelled')
  }, 60_000)

  it('HTTP routes start uploads and report them', async () => {
    const reply = await petal.http('POST /uploads', '/uploads', { file_path: ulog('http.ulg', 2000) })
    expect(reply.status).toBe(200)
    const id = (reply.body as { data: { job_id: string } }).data.job_id
    await petal.jobEnd(id)
    const got = await petal.http('GET /uploads/:id', `/uploads/${id}`, undefined, { id })
    expect(got).toMatchObject({ status: 200, body: { state: 'succeeded', result: { file_size: 2000 } } })
    expect((await petal.http('GET /uploads/:id', '/uploads/x', undefined, { id: 'x' })).status).toBe(404)
  })
})
