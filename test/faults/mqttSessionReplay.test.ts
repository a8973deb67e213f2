/**
 * Fault: our process is killed with `kill -9` and commands are sent while it is down. The broker
 * keeps them in our persistent session (fixed client id, MQTT 5 session expiry) and delivers them
 * right after CONNACK when the runtime is back, before the SUBACK of its new SUBSCRIBE. Every one
 * must be handled once and answered once, without the sender re-sending anything. (Before the fix
 * the proxy dropped messages that arrived before it saw its SUBACK.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { runsOf } from '../fixtures/petals/ledger.ts'
import { connectPeer } from '../support/peers/mqttPeer.ts'
import { type RunningRuntime, runRuntime } from '../support/runtimeProcess.ts'
import { startMosquitto } from '../support/servers/mosquitto.ts'
import { until } from '../support/until.ts'

const BASE = 'org/org-s/device/Instance-fault-session'
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'petals')

it('commands queued in our broker session while we were killed are each answered once after the restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'petal-session-'))
  const ledger = join(dir, 'ledger.txt')
  const config = join(dir, 'petal.yaml')
  writeFileSync(
    config,
    `enabled_proxies: [mqtt]\nenabled_petals: [petal-ledger]\npetals:\n  petal-ledger: ${join(fixtures, 'ledger.ts')}\n`,
  )
  const broker = await startMosquitto()
  const env = {
    PETAL_MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
    PETAL_MACHINE_ID: 'fault-session',
    PETAL_ORGANIZATION_ID: 'org-s',
    PETAL_MQTT_OUTBOX_PATH: join(dir, 'outbox.jsonl'),
    PETAL_TEST_LEDGER: ledger,
  }
  const peer = await connectPeer(broker.port, BASE)
  let rt: RunningRuntime | undefined
  try {
    rt = await runRuntime(['--config', config], env, process.cwd(), true)
    const mqttStatus = async () =>
      ((await rt!.getJson('/health/detailed')).proxies as Record<string, { status: string }>).mqtt!.status
    await until(async () => (await mqttStatus()) === 'healthy', 10_000, 'the runtime subscribed')
    // The broker now holds our session with its subscription.
    peer.send({ messageId: 'before', command: 'petal-ledger/record', waitResponse: true })
    await peer.waitForResponses(['before'], 5000)
    await rt.kill9()

    const ids = Array.from({ length: 50 }, (_, i) => `queued-${i}`)
    for (const [i, id] of ids.entries())
      peer.send({ messageId: id, command: 'petal-ledger/record', payload: { i }, waitResponse: true })
    // Let the broker take (and queue) all of them before we come back.
    await new Promise((r) => setTimeout(r, 500))

    rt = await runRuntime(['--config', config], env, process.cwd(), true)
    await peer.waitForResponses(ids, 15_000)
    // Time for a duplicate answer to show up, were one sent.
    await new Promise((r) => setTimeout(r, 1000))
    for (const [i, id] of ids.entries()) {
      expect(peer.responses.get(id), id).toHaveLength(1)
      expect(peer.responses.get(id)![0], id).toMatchObject({
        status: 'success',
        data: { runs: 1, payload: { i } },
      })
      expect(runsOf(ledger, id), id).toBe(1)
    }
  } finally {
    await rt?.stop()
    await peer.close()
    await broker.stop()
  }
}, 60_000)
