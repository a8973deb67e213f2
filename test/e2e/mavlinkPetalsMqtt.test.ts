/**
 * The MAVLink petals' MQTT commands end to end (issues 3 and 4): `petal start --sim` (embedded
 * broker, simulated vehicle), a plain mqtt.js client on `command/edge`. Each long command answers at
 * once with its job id, publishes progress, then publishes its result on command/web with the
 * command's messageId (the original's two-phase pattern); a bad payload is refused at once.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningRuntime, runRuntime } from '../support/runtimeProcess.ts'
import { freePort } from '../support/servers/serverProcess.ts'
import { until } from '../support/until.ts'

const base = 'org/sim/device/Instance-sim-params'
let rt: RunningRuntime
let client: MqttClient
const responses: Record<string, unknown>[] = []
const web: Record<string, unknown>[] = []

beforeAll(async () => {
  const port = await freePort()
  const cwd = mkdtempSync(join(tmpdir(), 'petal-sim-params-'))
  rt = await runRuntime(
    ['--sim'],
    {
      PETAL_EMBEDDED_MQTT_PORT: String(port),
      PETAL_MACHINE_ID: 'sim-params',
      PETAL_MQTT_OUTBOX_PATH: join(cwd, 'outbox.jsonl'),
    },
    cwd,
  )
  await until(
    async () => {
      const proxies = (await rt.getJson('/health/detailed')).proxies as Record<string, { status: string }>
      return proxies.mqtt?.status === 'healthy' && proxies.ext_mavlink?.status === 'healthy'
    },
    20_000,
    'mqtt and ext_mavlink healthy',
  )
  client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: 4,
    clientId: 'test-web-app',
  })
  client.on('message', (topic, payload) => {
    const m = JSON.parse(payload.toString()) as Record<string, unknown>
    if (topic.endsWith('/response')) responses.push(m)
    else web.push(m)
  })
  await client.subscribeAsync([`${base}/response`, `${base}/command/web`], { qos: 1 })
}, 60_000)

afterAll(async () => {
  await client?.endAsync()
  await rt?.stop()
})

/** The first item `find` returns, polled until `timeoutMs`. */
async function waitFind<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  let hit: T | undefined
  await until(
    () => {
      hit = find()
      return hit !== undefined
    },
    timeoutMs,
    what,
  )
  return hit as T
}

async function command(messageId: string, cmd: string, payload: Record<string, unknown>) {
  await client.publishAsync(
    `${base}/command/edge`,
    JSON.stringify({ messageId, command: cmd, payload, waitResponse: true }),
    { qos: 1 },
  )
  return waitFind(() => responses.find((r) => r.messageId === messageId), 10_000, `response to ${messageId}`)
}

const result = (messageId: string, event: string) =>
  waitFind(
    () => web.find((m) => m.messageId === messageId && m.command === event),
    30_000,
    `${event} of ${messageId}`,
  )

describe('petal-parameter-config over MQTT', () => {
  it('bulk_set_parameters: job id at once, progress, then the confirmed result under the same messageId', async () => {
    const answer = await command('set-1', 'petal-parameter-config/bulk_set_parameters', {
      parameters: { THR_MAX: 77, ARSPD_FBW_MIN: [11, 'REAL32'] },
    })
    expect(answer).toMatchObject({
      status: 'success',
      message: 'bulk-parameter-set started',
      data: { job_id: expect.any(String) },
    })
    const done = (await result('set-1', '/petal-parameter-config/bulk-parameter-set')) as {
      payload: { success: boolean; data: { confirmed: Record<string, { value: number }> } }
    }
    expect(done.payload.success).toBe(true)
    expect(done.payload.data.confirmed.THR_MAX?.value).toBe(77)
    expect(done.payload.data.confirmed.ARSPD_FBW_MIN?.value).toBe(11)
    expect(web.some((m) => m.command === '/petal-parameter-config/bulk-parameter-set/progress')).toBe(true)

    await command('get-1', 'petal-parameter-config/bulk_get_parameters', { parameter_names: ['THR_MAX'] })
    const read = (await result('get-1', '/petal-parameter-config/bulk-parameter-get')) as {
      payload: { data: { parameters: Record<string, { value: number }> } }
    }
    expect(read.payload.data.parameters.THR_MAX?.value).toBe(77)
  }, 60_000)

  it('refuses a bad payload at once and starts nothing', async () => {
    expect(
      await command('bad-1', 'petal-parameter-config/bulk_set_parameters', { parameters: {} }),
    ).toMatchObject({
      status: 'error',
      error_code: 'NO_PARAMETERS_PROVIDED',
    })
    expect(
      await command('bad-2', 'petal-parameter-config/bulk_set_parameters', {
        parameters: { THR_MAX: [1, 'INT64'] },
      }),
    ).toMatchObject({ status: 'error', error_code: 'VALIDATION_ERROR' })
  })
})

describe('petal-system-control over MQTT', () => {
  it('reboot_autopilot: job id at once, OPERATION_ACTIVE for a second one, then the confirmed reboot', async () => {
    const answer = await command('reboot-1', 'petal-system-control/reboot_autopilot', {})
    expect(answer).toMatchObject({ status: 'success', data: { job_id: expect.any(String) } })
    expect(await command('reboot-2', 'petal-system-control/reboot_autopilot', {})).toMatchObject({
      error_code: 'OPERATION_ACTIVE',
    })
    const done = (await result('reboot-1', '/petal-system-control/reboot-autopilot')) as {
      payload: { success: boolean; data: { status_code: string } }
    }
    expect(done.payload).toMatchObject({
      success: true,
      data: { status_code: 'OK_ACK_ACCEPTED_HB_CONFIRMED' },
    })
  }, 60_000)
})

describe('petal-telemetry over MQTT', () => {
  it('publishes the simulated vehicle position on command/web, and answers get_position and set_rate', async () => {
    const first = (await waitFind(
      () => web.find((m) => m.command === '/petal-telemetry/position'),
      10_000,
      'a published position',
    )) as { payload: { lat: number; lon: number; relative_alt_m: number } }
    expect(first.payload.lat).toBeCloseTo(47.3977, 2)
    expect(first.payload.lon).toBeCloseTo(8.5456, 2)
    expect(first.payload.relative_alt_m).toBe(20)
    expect(await command('tel-1', 'petal-telemetry/get_position', {})).toMatchObject({
      status: 'success',
      data: { lat: expect.any(Number), sysid: 1 },
    })
    expect(await command('tel-2', 'petal-telemetry/set_rate', { rate_hz: 50 })).toMatchObject({
      error_code: 'VALIDATION_ERROR',
    })
    expect(await command('tel-3', 'petal-telemetry/set_rate', { rate_hz: 2 })).toMatchObject({
      status: 'success',
      data: { rate_hz: 2 },
    })
  })
})
