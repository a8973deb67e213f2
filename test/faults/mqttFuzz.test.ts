/**
 * Fault (issue 4): 10 000 random or malformed payloads on `command/edge`, from a seeded generator
 * (the seed is printed on failure). The runtime does not crash, every payload with a readable
 * `messageId` is answered VALIDATION_ERROR (and nothing else is answered), the unreadable ones are
 * counted, and a valid command is still served afterwards.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { seededRandom } from '../../runtime/kernel/index.ts'
import { type MqttRuntime, startMqttRuntime } from '../support/mqttRuntime.ts'

const SEED = Number(process.env.PETAL_FUZZ_SEED ?? 20261204)
const TOTAL = 10_000

let mq: MqttRuntime

beforeAll(async () => {
  mq = await startMqttRuntime({ machine: 'fault-fuzz', org: 'org-z', petals: ['petal-example'] })
})

afterAll(() => mq?.stop())

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
  const before = (await mq.rt.proxyHealth('mqtt')).commands as { invalid: number; dropped_unreadable: number }
  // Batches keep mosquitto's per-client queue (1000 messages by default) from overflowing.
  for (let start = 0; start < TOTAL; start += 500) {
    const batch: string[] = []
    for (let i = start; i < Math.min(TOTAL, start + 500); i++) {
      const g = generate(r, i)
      if (g.answerTo !== undefined) batch.push(g.answerTo)
      mq.peer.client.publish(`${mq.base}/command/edge`, g.bytes, { qos: 1 })
    }
    expected.push(...batch)
    await mq.peer.waitForResponses(batch, 20_000)
  }
  expect(expected.length).toBeGreaterThan(3000)
  for (const id of expected) {
    const list = mq.peer.responses.get(id)!
    expect(list.length, `${id} answered once`).toBe(1)
    expect(list[0], `seed ${SEED}`).toMatchObject({
      messageId: id,
      status: 'error',
      error_code: 'VALIDATION_ERROR',
    })
  }
  expect(mq.peer.responses.size).toBe(expected.length)
  const after = (await mq.rt.proxyHealth('mqtt')).commands as { invalid: number; dropped_unreadable: number }
  expect(after.invalid - before.invalid).toBe(expected.length)
  expect(after.dropped_unreadable - before.dropped_unreadable).toBe(TOTAL - expected.length)
  mq.peer.send({ messageId: 'after-fuzz', command: 'petal-example/ping', waitResponse: true })
  await mq.peer.waitForResponses(['after-fuzz'], 5000)
  expect(mq.peer.responses.get('after-fuzz')![0]).toMatchObject({ status: 'success', data: { pong: true } })
  expect(mq.rt.logs.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([])
}, 90_000)
