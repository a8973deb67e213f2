/**
 * Fault (issue 4): 10 000 random or malformed payloads on `command/edge`, from a seeded generator
 * (the seed is printed on failure). The runtime does not crash, every payload with a readable
 * `messageId` is answered VALIDATION_ERROR (and nothing else is answered), the unreadable ones are
 * counted, and a valid command is still served afterwards.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { seededRandom } from '../../runtime/kernel/index.ts'
import { connectPeer, type MqttPeer } from '../support/peers/mqttPeer.ts'
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts'
import { startMosquitto } from '../support/servers/mosquitto.ts'
import type { ServerProcess } from '../support/servers/serverProcess.ts'
import { until } from '../support/until.ts'

const BASE = 'org/org-z/device/Instance-fault-fuzz'
const SEED = Number(process.env.PETAL_FUZZ_SEED ?? 20261204)
const TOTAL = 10_000

let broker: ServerProcess
let rt: TestRuntime
let peer: MqttPeer

beforeAll(async () => {
  broker = await startMosquitto()
  rt = await startTestRuntime({
    yaml: 'enabled_proxies: [mqtt]\nenabled_petals: [petal-example]\n',
    env: {
      PETAL_MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
      PETAL_MACHINE_ID: 'fault-fuzz',
      PETAL_ORGANIZATION_ID: 'org-z',
      PETAL_MQTT_OUTBOX_PATH: 'outbox.jsonl',
    },
  })
  peer = await connectPeer(broker.port, BASE)
  await until(async () => (await rt.proxyHealth('mqtt')).status === 'healthy', 5000, 'subscribed')
})

afterAll(async () => {
  await peer?.close()
  await rt?.stop()
  await broker?.stop()
})

/** One payload, and the messageId that must be answered VALIDATION_ERROR (if any). */
function generate(r: () => number, i: number): { bytes: Buffer; answerTo: string | undefined } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  const text = (n: number) =>
    Array.from({ length: n }, () => String.fromCharCode(32 + Math.floor(r() * 95))).join('')
  const scalar = () => pick<unknown>([null, true, 0, -1.5, 1e308, '', text(8), [], [1, 'a'], {}])
  const kind = r()
  if (kind < 0.3)
    return {
      bytes: Buffer.from(Array.from({ length: 1 + Math.floor(r() * 300) }, () => Math.floor(r() * 256))),
      answerTo: undefined,
    }
  if (kind < 0.45) return { bytes: Buffer.from(JSON.stringify(scalar())), answerTo: undefined }
  if (kind < 0.6) {
    const badId = pick<unknown>([undefined, 42, '', 'x'.repeat(129), null, ['id'], { id: 1 }])
    return {
      bytes: Buffer.from(JSON.stringify({ messageId: badId, command: 'petal-example/ping', payload: {} })),
      answerTo: undefined,
    }
  }
  const messageId = `fz-${i}-${text(6)}`
  const doc: Record<string, unknown> = {
    messageId,
    command: 'petal-example/ping',
    payload: {},
    waitResponse: true,
  }
  const breakWhat = Math.floor(r() * 4)
  if (breakWhat === 0)
    doc.command = pick<unknown>([
      undefined,
      7,
      '',
      'petal-example',
      'nope/x',
      'petal-Example/ping',
      text(20),
      null,
    ])
  else if (breakWhat === 1) doc.payload = pick<unknown>([[1, 2], 'str', 3, null, true])
  else if (breakWhat === 2) doc.waitResponse = pick<unknown>(['yes', 1, null, {}, []])
  else {
    doc.command = pick<unknown>([undefined, 5])
    doc.payload = 'not an object'
  }
  if (doc.command === undefined) delete doc.command
  return { bytes: Buffer.from(JSON.stringify(doc)), answerTo: messageId }
}

it(`10 000 random or malformed payloads: no crash, VALIDATION_ERROR for each readable messageId (seed ${SEED})`, async () => {
  const r = seededRandom(SEED)
  const expected: string[] = []
  const before = (await rt.proxyHealth('mqtt')).commands as { invalid: number; dropped_unreadable: number }
  // Batches keep mosquitto's per-client queue (1000 messages by default) from overflowing.
  for (let start = 0; start < TOTAL; start += 500) {
    const batch: string[] = []
    for (let i = start; i < Math.min(TOTAL, start + 500); i++) {
      const g = generate(r, i)
      if (g.answerTo !== undefined) batch.push(g.answerTo)
      peer.client.publish(`${BASE}/command/edge`, g.bytes, { qos: 1 })
    }
    expected.push(...batch)
    await peer.waitForResponses(batch, 20_000)
  }
  expect(expected.length).toBeGreaterThan(3000)
  for (const id of expected) {
    const list = peer.responses.get(id)!
    expect(list.length, `${id} answered once`).toBe(1)
    expect(list[0], `seed ${SEED}`).toMatchObject({
      messageId: id,
      status: 'error',
      error_code: 'VALIDATION_ERROR',
    })
  }
  expect(peer.responses.size).toBe(expected.length)
  const after = (await rt.proxyHealth('mqtt')).commands as { invalid: number; dropped_unreadable: number }
  expect(after.invalid - before.invalid).toBe(expected.length)
  expect(after.dropped_unreadable - before.dropped_unreadable).toBe(TOTAL - expected.length)
  peer.send({ messageId: 'after-fuzz', command: 'petal-example/ping', waitResponse: true })
  await peer.waitForResponses(['after-fuzz'], 5000)
  expect(peer.responses.get('after-fuzz')![0]).toMatchObject({ status: 'success', data: { pong: true } })
  expect(rt.logs.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([])
}, 90_000)
