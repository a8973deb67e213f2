/**
 * Fault: our process is killed with `kill -9` after it answered commands. The app re-sends them
 * with the same `messageId`s (its answers were lost, or it retries anyway): the restarted runtime
 * sends the very same answers again and does not run the handlers a second time, because the
 * dedup window is journaled with the answers in the outbox. A command never answered before the
 * kill runs normally.
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

const BASE = 'org/org-d/device/Instance-fault-dedup'
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'petals')

it('a command answered before a kill -9 and re-sent after the restart gets the same answer, without running again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'petal-dedup-kill9-'))
  const ledger = join(dir, 'ledger.txt')
  const config = join(dir, 'petal.yaml')
  writeFileSync(
    config,
    `enabled_proxies: [mqtt]\nenabled_petals: [petal-ledger]\npetals:\n  petal-ledger: ${join(fixtures, 'ledger.ts')}\n`,
  )
  const broker = await startMosquitto()
  const env = {
    PETAL_MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
    PETAL_MACHINE_ID: 'fault-dedup',
    PETAL_ORGANIZATION_ID: 'org-d',
    PETAL_MQTT_OUTBOX_PATH: join(dir, 'outbox.jsonl'),
    PETAL_TEST_LEDGER: ledger,
  }
  const peer = await connectPeer(broker.port, BASE)
  const command = (id: string) => ({
    messageId: id,
    command: 'petal-ledger/record',
    payload: { id },
    waitResponse: true,
  })
  let rt: RunningRuntime | undefined
  const healthy = async () => {
    const proxies = (await rt!.getJson('/health/detailed')).proxies as Record<string, { status: string }>
    return proxies.mqtt!.status === 'healthy'
  }
  try {
    rt = await runRuntime(['--config', config], env, process.cwd(), true)
    await until(healthy, 10_000, 'the runtime subscribed')
    const ids = Array.from({ length: 20 }, (_, i) => `answered-${i}`)
    for (const id of ids) peer.send(command(id))
    await peer.waitForResponses(ids, 10_000)
    const first = new Map(ids.map((id) => [id, peer.responses.get(id)![0]!]))
    for (const id of ids) expect(first.get(id)).toMatchObject({ status: 'success', data: { runs: 1 } })
    await rt.kill9()

    rt = await runRuntime(['--config', config], env, process.cwd(), true)
    await until(healthy, 10_000, 'the restarted runtime subscribed')
    for (const id of ids) peer.send(command(id))
    peer.send(command('fresh'))
    await until(
      () => ids.every((id) => peer.responses.get(id)!.length >= 2) && peer.responses.has('fresh'),
      10_000,
      'the answers to the re-sent commands',
    )
    for (const id of ids) {
      // The same answer (timestamp included), not a new run's `runs: 2`.
      expect(peer.responses.get(id)![1], id).toEqual(first.get(id))
      expect(runsOf(ledger, id), id).toBe(1)
    }
    expect(peer.responses.get('fresh')![0]).toMatchObject({ status: 'success', data: { runs: 1 } })
    expect(runsOf(ledger, 'fresh')).toBe(1)
  } finally {
    await rt?.stop()
    await peer.close()
    await broker.stop()
  }
}, 60_000)
