/**
 * End to end through `petal start` (issue 3): `--sim` runs the simulated vehicle in-process with
 * `ext_mavlink` and the MAVLink petals; and a runtime on a real UDP endpoint survives its
 * simulator being killed and restarted, learning the (new) autopilot again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  clientOf,
  eventually,
  type RuntimeProcess,
  type SimProcess,
  startPetalRuntime,
  startSim,
} from './petalCli.ts'

const LONG = { timeout: 180_000 }

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the HTTP API; the assertions check their shape
type Json = Record<string, any>

async function json(url: string, init?: RequestInit): Promise<Json> {
  const r = await fetch(url, init)
  return (await r.json()) as Json
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe('petal start --sim', () => {
  let rt: RuntimeProcess | undefined
  afterAll(async () => {
    expect(await rt?.stop()).toBe(0)
  })

  it('connects ext_mavlink to the in-process vehicle; the petals set, read and reboot', LONG, async () => {
    rt = await startPetalRuntime(['--sim'], {}, mkdtempSync(join(tmpdir(), 'petal-sim-')))
    const h = await eventually(async () => {
      const d = await json(`${rt!.url}/health/detailed`)
      return d.proxies?.ext_mavlink?.status === 'healthy' ? d : undefined
    })
    expect(h.proxies.ext_mavlink.mavlink_info).toMatchObject({ target_system: 1, target_component: 1 })
    const status = await eventually(async () => {
      const s = await json(`${rt!.url}/petals/petal-system-control/status`)
      return s.heartbeats >= 1 ? s : undefined
    })
    expect(status.link).toMatchObject({ connected: true, endpoint: 'sim:in-process' })

    const set = await json(
      `${rt.url}/petals/petal-parameter-config/parameters`,
      post({ parameters: { ARSPD_FBW_MIN: 12, FORMAT_VERSION: 3 } }),
    )
    expect(set).toMatchObject({ status: 'error', error_code: 'PARTIAL_FAILURE' })
    expect(Object.keys(set.data.confirmed)).toEqual(['ARSPD_FBW_MIN'])
    expect(set.data.unconfirmed).toEqual([
      { name: 'FORMAT_VERSION', status: 'rejected', value: 13, error: 'PERMISSION_DENIED: write denied' },
    ])
    const read = await json(
      `${rt.url}/petals/petal-parameter-config/parameters/read`,
      post({ parameter_names: ['ARSPD_FBW_MIN'] }),
    )
    expect(read.data.parameters.ARSPD_FBW_MIN.value).toBe(12)
    const bad = await json(
      `${rt.url}/petals/petal-parameter-config/parameters`,
      post({ parameters: { X: 'high' } }),
    )
    expect(bad).toMatchObject({ status: 'error', error_code: 'VALIDATION_ERROR' })

    const started = await json(`${rt.url}/petals/petal-system-control/reboot`, post({}))
    expect(started).toMatchObject({ status: 'success' })
    const again = await json(`${rt.url}/petals/petal-system-control/reboot`, post({}))
    expect(again).toMatchObject({ error_code: 'OPERATION_ACTIVE' })
    const done = await eventually(async () => {
      const r = await json(`${rt!.url}/petals/petal-system-control/reboot`)
      return r.state === 'done' ? r : undefined
    }, 60_000)
    expect(done.result).toMatchObject({
      status: 'success',
      data: { status_code: 'OK_ACK_ACCEPTED_HB_CONFIRMED' },
    })
  })
})

describe('a runtime whose simulator is killed and restarted', () => {
  let rt: RuntimeProcess | undefined
  const sims: SimProcess[] = []
  afterAll(async () => {
    await rt?.stop()
    await Promise.all(sims.map((s) => s.stop()))
  })

  it('goes unhealthy, then reconnects and learns the new autopilot', LONG, async () => {
    const first = await startSim(['--listen', 'udpin:127.0.0.1:0', '--sysid', '1'])
    sims.push(first)
    const dir = mkdtempSync(join(tmpdir(), 'petal-rt-'))
    writeFileSync(join(dir, 'petal.yaml'), 'enabled_proxies: [ext_mavlink]\n')
    rt = await startPetalRuntime([], { PETAL_MAVLINK_ENDPOINT: clientOf(first.endpoint) }, dir)
    const health = () => json(`${rt!.url}/health/detailed`).then((d) => d.proxies.ext_mavlink)
    await eventually(async () => ((await health()).status === 'healthy' ? true : undefined))
    await first.stop(true)
    const lost = await eventually(async () => {
      const h = await health()
      return h.status === 'unhealthy' ? h : undefined
    }, 15_000)
    expect(lost.details).toMatch(/no autopilot heartbeat/)
    const second = await startSim(['--listen', first.endpoint, '--sysid', '5'])
    sims.push(second)
    const back = await eventually(async () => {
      const h = await health()
      return h.status === 'healthy' ? h : undefined
    }, 20_000)
    expect(back.mavlink_info.target_system).toBe(5)
    expect(back.stats.heartbeat_losses).toBe(1)
  })
})
