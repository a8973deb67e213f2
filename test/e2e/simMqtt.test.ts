/**
 * `petal start --sim` (issue 4): the demo runs an embedded broker (aedes, MQTT 3.1.1) on
 * PETAL_EMBEDDED_MQTT_PORT, so Debian's mosquitto_pub/mosquitto_sub can drive the shipped
 * petal-example over MQTT with nothing else installed.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { mosquittoPub, mosquittoSub } from '../support/peers/mosquittoCli.ts'
import { runRuntime } from '../support/runtimeProcess.ts'
import { freePort } from '../support/servers/serverProcess.ts'
import { until } from '../support/until.ts'

it('petal start --sim answers MQTT commands through its embedded broker', async () => {
  const port = await freePort()
  const cwd = mkdtempSync(join(tmpdir(), 'petal-sim-'))
  const rt = await runRuntime(
    ['--sim'],
    {
      PETAL_EMBEDDED_MQTT_PORT: String(port),
      PETAL_MACHINE_ID: 'sim-e2e',
      PETAL_MQTT_OUTBOX_PATH: join(cwd, 'outbox.jsonl'),
    },
    cwd,
  )
  try {
    const health = async () =>
      ((await rt.getJson('/health/detailed')).proxies as Record<string, Record<string, unknown>>).mqtt!
    await until(async () => (await health()).status === 'healthy', 10_000, 'the proxy on the embedded broker')
    const h = await health()
    expect(h.embedded_broker_port).toBe(port)
    expect((h.connection as { protocol_version: string }).protocol_version).toBe('3.1.1')
    const base = 'org/sim/device/Instance-sim-e2e'
    const sub = await mosquittoSub(port, `${base}/response`)
    try {
      await mosquittoPub(port, `${base}/command/edge`, [
        JSON.stringify({
          messageId: 'sim-1',
          command: 'petal-example/increment',
          payload: { by: 5 },
          waitResponse: true,
        }),
      ])
      await sub.waitFor(1, 5000)
      expect(sub.json()[0]).toMatchObject({
        messageId: 'sim-1',
        status: 'success',
        data: { count: 5 },
        deviceId: 'Instance-sim-e2e',
      })
    } finally {
      sub.stop()
    }
  } finally {
    await rt.stop()
  }
}, 60_000)
