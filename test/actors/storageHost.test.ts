/**
 * The storage proxies inside the runtime (issue 5): configured from `PETAL_*` variables, registered
 * in the catalog, started by the host, shown in `/health/detailed` from cached state, and reached
 * by a shipped petal through `ctx.proxy(...)` over HTTP (petal-flight-log uploading to s3rver and
 * recording its history in the local DB). The cloud proxy points at a dead port: unhealthy, typed.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../runtime/config/loadConfig.ts'
import { type RuntimeHandle, startRuntime } from '../../runtime/host/startRuntime.ts'
import { silentLogger } from '../../runtime/kernel/index.ts'
import { loadPetals } from '../../runtime/petal/loadPetals.ts'
import { type S3rverServer, startS3rver } from '../support/servers/s3rver.ts'

let s3: S3rverServer
let runtime: RuntimeHandle
let dir: string

async function json(path: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const r = await fetch(`${runtime.httpUrl}${path}`, init)
  return (await r.json()) as Record<string, unknown>
}

beforeAll(async () => {
  s3 = await startS3rver()
  dir = mkdtempSync(join(tmpdir(), 'petal-host-'))
  mkdirSync(join(dir, 'data', 'logs'), { recursive: true })
  writeFileSync(
    join(dir, 'petal.yaml'),
    'enabled_proxies: [db, bucket, cloud]\nenabled_petals: [petal-flight-log]\n',
  )
  writeFileSync(
    join(dir, '.env'),
    [
      'PETAL_MACHINE_ID=host-test',
      'PETAL_LOG_TO_FILE=false',
      `PETAL_S3_BUCKET_NAME=${s3.bucket}`,
      `PETAL_S3_ENDPOINT=${s3.endpoint}`,
      'PETAL_S3_ACCESS_KEY_ID=S3RVER',
      'PETAL_S3_SECRET_ACCESS_KEY=S3RVER',
      'PETAL_S3_CHECKSUMS=when_required',
      'PETAL_CLOUD_ENDPOINT=http://127.0.0.1:9',
      'PETAL_CLOUD_ACCESS_KEY_ID=a',
      'PETAL_CLOUD_SECRET_ACCESS_KEY=b',
      'PETAL_CLOUD_REQUEST_TIMEOUT=2',
    ].join('\n'),
  )
  const config = loadConfig({ cwd: dir, env: {}, httpPort: '0' })
  const { petals, issues } = await loadPetals(config)
  expect(issues).toEqual([])
  runtime = await startRuntime(config, petals, { log: silentLogger, version: 'test', onFatal: () => {} })
}, 60_000)

afterAll(async () => {
  await runtime?.stop()
  await s3?.stop()
})

describe('storage proxies in the runtime', () => {
  it('health lists db, bucket and cloud from cached state', async () => {
    // the bucket's and cloud's start-up probes settle first
    let h: Record<string, Record<string, { connected?: unknown }>> = {}
    for (let i = 0; i < 100; i++) {
      h = (await json('/health/detailed')).proxies as typeof h
      if (h.bucket?.connection?.connected !== null && h.cloud?.connection?.connected !== null) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(h.db).toMatchObject({
      status: 'healthy',
      connection: { path: join(dir, 'data', 'petal.db'), connected: true },
      machine_info: { machine_id: 'host-test' },
    })
    expect(h.bucket).toMatchObject({
      status: 'healthy',
      connection: { bucket_name: s3.bucket, connected: true },
    })
    expect(h.cloud).toMatchObject({ status: 'unhealthy', connection: { connected: false } })
  })

  it('petal-flight-log uploads through HTTP with the proxies the host gives it', async () => {
    const body = randomBytes(3000)
    Buffer.from([0x55, 0x4c, 0x6f, 0x67, 0x01, 0x12, 0x35, 0x01]).copy(body)
    const file = join(dir, 'data', 'logs', 'host.ulg')
    writeFileSync(file, body)
    const started = await json('/petals/petal-flight-log/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file_path: file }),
    })
    expect(started).toMatchObject({ status: 'success' })
    const id = (started.data as { job_id: string }).job_id
    let view: Record<string, unknown> = {}
    for (let i = 0; i < 100 && view.state !== 'succeeded' && view.state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      view = await json(`/petals/petal-flight-log/uploads/${id}`)
    }
    expect(view.state, JSON.stringify(view)).toBe('succeeded')
    expect((view.result as { s3_key: string }).s3_key).toMatch(/^host-test\/flight-logs\/.*_host\.ulg$/)
  })
})
