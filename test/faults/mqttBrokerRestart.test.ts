/**
 * Fault (issue 4): the broker is killed (SIGKILL) and restarted in the middle of 1000 commands
 * with `waitResponse`. The sender (an mqtt.js web-app stand-in) resends, with the same messageId,
 * what has no answer yet, as a real app does. Every one of the 1000 gets its response, and every
 * messageId ran its handler exactly once (the dedup window drops repeats, and replays the answer
 * of a command already handled).
 */
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runs } from '../fixtures/petals/alpha.ts'
import { type MqttRuntime, startMqttRuntime } from '../support/mqttRuntime.ts'

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'petals')

let mq: MqttRuntime

beforeAll(async () => {
  mq = await startMqttRuntime({
    machine: 'fault-broker',
    org: 'org-f',
    petals: ['petal-alpha'],
    petalFiles: { 'petal-alpha': join(fixtures, 'alpha.ts') },
  })
})

afterAll(() => mq?.stop())

it('1000 commands across a broker kill -9 and restart: 1000 responses, each messageId handled once', async () => {
  const ids = Array.from({ length: 1000 }, (_, i) => `kill-${i}`)
  let sent = 0
  const sendSome = async (n: number): Promise<void> => {
    for (const end = Math.min(ids.length, sent + n); sent < end; sent++)
      mq.peer.send({
        messageId: ids[sent]!,
        command: 'petal-alpha/echo',
        payload: { i: sent },
        waitResponse: true,
      })
    await new Promise((r) => setTimeout(r, 20))
  }
  while (sent < 400) await sendSome(50)
  await mq.broker.kill9()
  // The peer keeps sending while the broker is away (mqtt.js queues them).
  while (sent < 700) await sendSome(50)
  await new Promise((r) => setTimeout(r, 500))
  await mq.broker.restart()
  while (sent < ids.length) await sendSome(50)
  let lastResend = Date.now()
  await mq.peer.waitForResponses(ids, 30_000, () => {
    if (Date.now() - lastResend > 2000) {
      mq.peer.resendUnanswered()
      lastResend = Date.now()
    }
  })
  expect(ids.every((id) => mq.peer.responses.get(id)?.[0]?.status === 'success')).toBe(true)
  expect(ids.map((id) => (mq.peer.responses.get(id)![0]!.data as { i: number }).i)).toEqual(
    ids.map((_, i) => i),
  )
  const handled = ids.map((id) => runs.get(id) ?? 0)
  expect(handled.filter((n) => n !== 1)).toEqual([])
  const mqtt = await mq.rt.proxyHealth('mqtt')
  expect((mqtt.connection as { reconnect_attempts: number }).reconnect_attempts).toBeGreaterThan(0)
}, 60_000)
