/**
 * Fault (issue 4): our process is killed with `kill -9` while answers wait in the outbox (the
 * broker was gone when the handlers finished). After the broker and the runtime come back, every
 * answer is delivered from the journal, without running a handler again.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { connectPeer } from '../support/peers/mqttPeer.ts'
import { type RunningRuntime, runRuntime } from '../support/runtimeProcess.ts'
import { startMosquitto } from '../support/servers/mosquitto.ts'
import { until } from '../support/until.ts'

const BASE = 'org/org-k/device/Instance-fault-kill9'
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'petals')

/** Entries added and not marked done in an outbox journal. */
function liveEntries(path: string): number {
  const live = new Set<number>()
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue
    const rec = JSON.parse(line) as { a?: number; k?: number }
    if (rec.a !== undefined) live.add(rec.a)
    if (rec.k !== undefined) live.delete(rec.k)
  }
  return live.size
}

it('answers in the outbox at kill -9 are delivered after the restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'petal-kill9-'))
  const outbox = join(dir, 'outbox.jsonl')
  const config = join(dir, 'petal.yaml')
  writeFileSync(
    config,
    `enabled_proxies: [mqtt]\nenabled_petals: [petal-alpha]\npetals:\n  petal-alpha: ${join(fixtures, 'alpha.ts')}\n`,
  )
  const broker = await startMosquitto()
  const env = {
    PETAL_MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
    PETAL_MACHINE_ID: 'fault-kill9',
    PETAL_ORGANIZATION_ID: 'org-k',
    PETAL_MQTT_OUTBOX_PATH: outbox,
  }
  const peer = await connectPeer(broker.port, BASE)
  let rt: RunningRuntime | undefined
  try {
    rt = await runRuntime(['--config', config], env, process.cwd(), true)
    const mqttHealth = async () =>
      ((await rt!.getJson('/health/detailed')).proxies as Record<string, Record<string, never>>).mqtt!
    await until(async () => (await mqttHealth()).status === 'healthy', 10_000, 'the child subscribed')

    // One slow command holds the petal's mailbox; 20 more wait behind it.
    const ids = ['hold', ...Array.from({ length: 20 }, (_, i) => `k9-${i}`)]
    peer.send({ messageId: 'hold', command: 'petal-alpha/wait', payload: { ms: 1500 }, waitResponse: true })
    for (const id of ids.slice(1))
      peer.send({ messageId: id, command: 'petal-alpha/echo', payload: { id }, waitResponse: true })
    await until(
      async () => ((await mqttHealth()).commands as { received: number }).received >= ids.length,
      5000,
      'all received',
    )
    await broker.kill9()
    await until(() => liveEntries(outbox) === ids.length, 10_000, 'every answer durable in the outbox')
    await rt.kill9()
    expect(liveEntries(outbox)).toBe(ids.length)
    expect(peer.responses.size).toBe(0)

    await broker.restart()
    await until(() => peer.client.connected, 10_000, 'the peer back on the broker')
    await peer.client.subscribeAsync([`${BASE}/response`], { qos: 1 })
    rt = await runRuntime(['--config', config], env, process.cwd(), true)
    await peer.waitForResponses(ids, 15_000)
    expect(peer.responses.get('hold')![0]).toMatchObject({ status: 'success', data: { waited: 1500 } })
    for (const id of ids.slice(1))
      expect(peer.responses.get(id)![0]).toMatchObject({ status: 'success', data: { id } })
    await until(() => liveEntries(outbox) === 0, 5000, 'the outbox drained')
  } finally {
    await rt?.stop()
    await peer.close()
    await broker.stop()
  }
}, 90_000)
