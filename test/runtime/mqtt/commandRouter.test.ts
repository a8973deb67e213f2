/**
 * Command routing through the whole runtime (issue 4): a command on `command/edge` reaches the one
 * petal actor its prefix names, and the answer reaches `response` with the original's codes;
 * commands to one petal keep their order, different petals run concurrently, and job events are
 * published on `command/web`.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MqttRuntime, startMqttRuntime } from '../../support/mqttRuntime.ts'
import { mosquittoPub, mosquittoSub } from '../../support/peers/mosquittoCli.ts'
import { until } from '../../support/until.ts'

const MACHINE = 'router-test'
const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'petals')

describe('mqtt command routing', () => {
  let mq: MqttRuntime
  let seq = 0
  const ask = async (command: string, payload: Record<string, unknown> = {}, waitResponse = true) => {
    const messageId = `r-${++seq}`
    mq.peer.send({ messageId, command, payload, waitResponse })
    if (waitResponse) await mq.peer.waitForResponses([messageId], 5000)
    return { messageId, response: mq.peer.responses.get(messageId)?.[0] }
  }

  beforeAll(async () => {
    mq = await startMqttRuntime({
      machine: MACHINE,
      org: 'org-r',
      petals: ['petal-alpha', 'petal-beta'],
      petalFiles: { 'petal-alpha': join(fixtures, 'alpha.ts'), 'petal-beta': join(fixtures, 'beta.ts') },
    })
  })
  afterAll(() => mq?.stop())

  it('mosquitto_pub → petal handler → response read by mosquitto_sub', async () => {
    const sub = await mosquittoSub(mq.broker.port, `${mq.base}/response`)
    try {
      await mosquittoPub(mq.broker.port, `${mq.base}/command/edge`, [
        JSON.stringify({
          messageId: 'cli-1',
          command: 'petal-alpha/echo',
          payload: { x: 1 },
          waitResponse: true,
        }),
      ])
      await sub.waitFor(1)
      const [r] = sub.json()
      expect(r).toMatchObject({
        messageId: 'cli-1',
        status: 'success',
        data: { x: 1 },
        deviceId: `Instance-${MACHINE}`,
      })
    } finally {
      sub.stop()
    }
  })

  it('an unknown petal or command gets UNKNOWN_COMMAND with available_commands', async () => {
    const a = (await ask('petal-nobody/x')).response!
    expect(a).toMatchObject({ status: 'error', error_code: 'UNKNOWN_COMMAND' })
    expect(a.available_commands).toEqual(expect.arrayContaining(['petal-alpha/echo', 'petal-beta/fast']))
    const b = (await ask('petal-beta/nope')).response!
    expect(b).toMatchObject({
      status: 'error',
      error_code: 'UNKNOWN_COMMAND',
      available_commands: ['petal-beta/fast'],
    })
  })

  it('a handler that throws gets HANDLER_ERROR with its message', async () => {
    const r = (await ask('petal-alpha/boom')).response!
    expect(r).toMatchObject({ status: 'error', error_code: 'HANDLER_ERROR' })
    expect(r.message).toMatch(/kaboom/)
  })

  it('a handler past its time limit gets TIMEOUT_ERROR, and the petal answers again after its restart', async () => {
    const r = (await ask('petal-alpha/slow', { ms: 2000 })).response!
    expect(r).toMatchObject({ status: 'error', error_code: 'TIMEOUT_ERROR' })
    expect((await ask('petal-alpha/echo', { after: 'timeout' })).response).toMatchObject({
      status: 'success',
    })
  })

  it('without waitResponse the handler runs and nothing is published', async () => {
    const quiet = await ask('petal-alpha/echo', { quiet: true }, false)
    await ask('petal-alpha/echo', { loud: true })
    expect(mq.peer.responses.has(quiet.messageId)).toBe(false)
  })

  it('commands to one petal run in arrival order; another petal is not held up by it', async () => {
    const ids: string[] = []
    for (let i = 0; i < 50; i++) {
      const messageId = `ord-${i}`
      ids.push(messageId)
      mq.peer.send({ messageId, command: 'petal-alpha/order', payload: { i }, waitResponse: true })
    }
    await mq.peer.waitForResponses(ids, 5000)
    const order = (await ask('petal-alpha/get_order')).response!.data as { order: number[] }
    expect(order.order).toEqual(Array.from({ length: 50 }, (_, i) => i))

    mq.peer.send({
      messageId: 'slow-a',
      command: 'petal-alpha/wait',
      payload: { ms: 400 },
      waitResponse: true,
    })
    mq.peer.send({ messageId: 'fast-b', command: 'petal-beta/fast', waitResponse: true })
    await mq.peer.waitForResponses(['slow-a', 'fast-b'], 5000)
    const arrival = [...mq.peer.responses.keys()]
    expect(arrival.indexOf('fast-b')).toBeLessThan(arrival.indexOf('slow-a'))
  })

  it('job events go to command/web in the original phase-2 shape', async () => {
    const r = (await ask('petal-alpha/count_job', { to: 3 })).response!
    const jobId = (r.data as { job_id: string }).job_id
    await until(
      () => mq.peer.web.some((m) => m.command === '/petal-alpha/count/succeeded'),
      5000,
      'job succeeded event',
    )
    const events = mq.peer.web.filter((m) => (m.payload as { job_id?: string })?.job_id === jobId)
    expect(events.map((m) => m.command)).toEqual(
      expect.arrayContaining(['/petal-alpha/count/started', '/petal-alpha/count/succeeded']),
    )
    const done = events.find((m) => m.command === '/petal-alpha/count/succeeded')!
    expect(done).toMatchObject({
      deviceId: `Instance-${MACHINE}`,
      payload: { state: 'succeeded', progress: { done: 3, total: 3 } },
    })
    expect(typeof done.messageId).toBe('string')
    expect(done.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/)
  })
})
