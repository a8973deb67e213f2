/**
 * cpuHeavy MQTT handlers in the worker pool (issue 4): they run on another thread, so while one
 * crunches for 1.5 s the event loop keeps serving other petals' commands (their answers arrive
 * first); a worker that throws answers HANDLER_ERROR, one past its limit TIMEOUT_ERROR (its thread
 * is ended), and a worker module that does not exist is a config error naming the file.
 */

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../runtime/config/loadConfig.ts'
import { loadPetals } from '../../../runtime/petal/loadPetals.ts'
import { type MqttRuntime, startMqttRuntime } from '../../support/mqttRuntime.ts'

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'petals')

describe('cpuHeavy handlers', () => {
  let mq: MqttRuntime

  beforeAll(async () => {
    mq = await startMqttRuntime({
      machine: 'workers',
      org: 'org-w',
      petals: ['petal-heavy', 'petal-beta'],
      petalFiles: { 'petal-heavy': join(fixtures, 'heavy.ts'), 'petal-beta': join(fixtures, 'beta.ts') },
    })
  })
  afterAll(() => mq?.stop())

  it('a 1.5 s crunch runs on a worker thread while other commands are answered meanwhile', async () => {
    mq.peer.send({
      messageId: 'crunch-1',
      command: 'petal-heavy/crunch',
      payload: { ms: 1500 },
      waitResponse: true,
    })
    const fast: string[] = []
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100))
      const id = `fast-${i}`
      fast.push(id)
      mq.peer.send({ messageId: id, command: 'petal-beta/fast', waitResponse: true })
    }
    await mq.peer.waitForResponses(['crunch-1', ...fast], 10_000)
    const order = [...mq.peer.responses.keys()]
    // Every quick answer came back before the crunch finished: the loop was never held.
    for (const id of fast) expect(order.indexOf(id)).toBeLessThan(order.indexOf('crunch-1'))
    const r = mq.peer.responses.get('crunch-1')![0]!
    expect(r).toMatchObject({ status: 'success', data: { petal: 'petal-heavy' } })
    expect((r.data as { threadId: number }).threadId).toBeGreaterThan(0)
  })

  it('a worker that throws answers HANDLER_ERROR; one past its limit answers TIMEOUT_ERROR', async () => {
    mq.peer.send({ messageId: 'w-fail', command: 'petal-heavy/fail', waitResponse: true })
    mq.peer.send({ messageId: 'w-spin', command: 'petal-heavy/spin', waitResponse: true })
    await mq.peer.waitForResponses(['w-fail', 'w-spin'], 10_000)
    expect(mq.peer.responses.get('w-fail')![0]).toMatchObject({
      status: 'error',
      error_code: 'HANDLER_ERROR',
    })
    expect(String(mq.peer.responses.get('w-fail')![0]!.message)).toMatch(/worker says no/)
    expect(mq.peer.responses.get('w-spin')![0]).toMatchObject({
      status: 'error',
      error_code: 'TIMEOUT_ERROR',
    })
    // The spinning thread was ended: a new crunch still gets a thread and answers.
    mq.peer.send({
      messageId: 'crunch-2',
      command: 'petal-heavy/crunch',
      payload: { ms: 10 },
      waitResponse: true,
    })
    await mq.peer.waitForResponses(['crunch-2'], 10_000)
    expect(mq.peer.responses.get('crunch-2')![0]).toMatchObject({ status: 'success' })
  })
})

it('a cpuHeavy worker module that does not exist is a config error naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'petal-worker-'))
  writeFileSync(
    join(dir, 'bad.ts'),
    `import { definePetal } from '${join(import.meta.dirname, '..', '..', '..', 'runtime', 'index.ts')}'
export default definePetal({ name: 'petal-bad', version: '1', mqtt: { x: { cpuHeavy: true, worker: './missing.js#x' } } })
`,
  )
  writeFileSync(join(dir, 'petal.yaml'), 'enabled_petals: [petal-bad]\npetals:\n  petal-bad: ./bad.ts\n')
  const config = loadConfig({ cwd: dir, env: {} })
  const { issues } = await loadPetals(config)
  expect(issues).toHaveLength(1)
  expect(issues[0]!.key).toBe('petals.petal-bad mqtt.x.worker')
  expect(issues[0]!.found).toContain(join(dir, 'missing.js'))
})
