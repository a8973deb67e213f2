/**
 * A petal as an actor (runtime/petal/petalActor.ts, definePetal.ts, jobs.ts): MQTT and HTTP
 * messages delivered to its mailbox and answered, state kept or replaced, errors answered,
 * crashes restarted, proxies declared, and jobs with progress and cancel (issue #2).
 */
import { describe, expect, it } from 'vitest'
import {
  type ActorRef,
  definePetal,
  HttpError,
  type JobContext,
  type MqttCommand,
  type Petal,
  supervisor,
} from '../../runtime/index.ts'
import type { JobEvent } from '../../runtime/petal/jobs.ts'
import {
  type HttpReply,
  type PetalMsg,
  type PetalServices,
  petalBehavior,
} from '../../runtime/petal/petalActor.ts'
import { testSystem } from '../support/probe.ts'

function command(cmd: string, payload: Record<string, unknown> = {}): MqttCommand {
  return { messageId: `m-${Math.random()}`, command: cmd, payload, waitResponse: true }
}

const published: { event: string; payload: unknown; messageId: string | undefined }[] = []

function services(events: JobEvent[] = [], facades: Record<string, unknown> = {}): PetalServices {
  return {
    publish: async (event, payload, messageId) => {
      published.push({ event, payload, messageId })
      return true
    },
    log: { debug() {}, info() {}, warn() {}, error() {} },
    facade: (name) => facades[name],
    subscribe: () => undefined,
    jobSink: (e) => events.push({ kind: e.kind, job: { ...e.job } }),
    settings: { greeting: 'hello' },
  }
}

async function run(petal: Petal, svc = services(), t = testSystem()) {
  await t.system.start(
    supervisor({
      children: [
        {
          id: petal.name,
          start: petalBehavior(petal, svc),
          budget: { intensity: 3, periodMs: 60_000, backoff: { minMs: 100, maxMs: 1000, jitter: 0 } },
        },
      ],
    }),
  )
  const ref = t.system.lookup<PetalMsg>(`/${petal.name}`)!
  return { t, ref }
}

const mqtt = (ref: ActorRef<PetalMsg>, key: string, payload: Record<string, unknown> = {}) =>
  ref.ask<Record<string, unknown>>({ type: 'mqtt', key, command: command(`petal-test/${key}`, payload) })

const http = (ref: ActorRef<PetalMsg>, route: `GET /${string}` | `POST /${string}`, body: unknown = null) =>
  ref.ask<HttpReply>({
    type: 'http',
    route,
    request: {
      method: route.startsWith('GET') ? 'GET' : 'POST',
      path: route,
      params: {},
      query: {},
      body,
      headers: {},
    },
  })

const counter = definePetal({
  name: 'petal-test',
  version: '1.2.3',
  init: (ctx) => ({ count: 0, greeting: String(ctx.settings.greeting) }),
  mqtt: {
    add: (msg, state, ctx) => {
      const by = Number(msg.payload.by ?? 1)
      ctx.setState({ ...state, count: state.count + by })
      return { status: 'success', data: { count: state.count + by } }
    },
    get: (_msg, state) => ({ status: 'success', data: state }),
    fail_after_set: (_msg, state, ctx) => {
      ctx.setState({ ...state, count: -1 })
      throw new Error('validation went wrong')
    },
    slow: { handler: () => new Promise(() => {}), timeoutMs: 1000 },
    crash: (_msg, _state, ctx) => {
      ctx.setTimeout(() => {
        throw new Error('crash from a timer')
      }, 10)
      return { status: 'success', message: 'crashing soon' }
    },
  },
  http: {
    'GET /count': (_req, state) => ({ count: state.count }),
    'POST /teapot': () => {
      throw new HttpError(418, 'TEAPOT', 'I am a teapot')
    },
    'POST /oops': () => {
      throw new Error('plain error')
    },
  },
})

describe('petal messages', () => {
  it('an MQTT handler answers with its return value; setState replaces the state after it returns', async () => {
    const { ref } = await run(counter)
    expect(await mqtt(ref, 'add', { by: 5 })).toEqual({ status: 'success', data: { count: 5 } })
    expect(await mqtt(ref, 'get')).toEqual({ status: 'success', data: { count: 5, greeting: 'hello' } })
  })

  it('an MQTT handler that throws answers HANDLER_ERROR, keeps the state (setState discarded), no restart', async () => {
    const { ref } = await run(counter)
    await mqtt(ref, 'add', { by: 2 })
    expect(await mqtt(ref, 'fail_after_set')).toEqual({
      status: 'error',
      message: 'Handler error: validation went wrong',
      error_code: 'HANDLER_ERROR',
    })
    expect((await mqtt(ref, 'get')).data).toMatchObject({ count: 2 })
    expect(ref.getSnapshot().restarts).toBe(0)
  })

  it('an unknown command answers UNKNOWN_COMMAND with the available commands', async () => {
    const { ref } = await run(counter)
    expect(await mqtt(ref, 'nope')).toEqual({
      status: 'error',
      message: 'Unknown command: petal-test/nope',
      error_code: 'UNKNOWN_COMMAND',
      available_commands: [
        'petal-test/add',
        'petal-test/get',
        'petal-test/fail_after_set',
        'petal-test/slow',
        'petal-test/crash',
      ],
    })
  })

  it('a handler past its time limit answers TIMEOUT_ERROR and the petal restarts', async () => {
    const { t, ref } = await run(counter)
    await mqtt(ref, 'add', { by: 3 })
    let answer: unknown
    void mqtt(ref, 'slow').then((a) => {
      answer = a
    })
    await t.tick(999)
    expect(answer).toBeUndefined()
    await t.tick(1)
    expect(answer).toMatchObject({ status: 'error', error_code: 'TIMEOUT_ERROR' })
    await t.tick(100)
    expect(ref.getSnapshot()).toMatchObject({ value: 'running', restarts: 1 })
    expect((await mqtt(ref, 'get')).data).toMatchObject({ count: 0 })
  })

  it('a throw from a petal timer restarts the petal; past its budget it is marked failed', async () => {
    const { t, ref } = await run(counter)
    for (let i = 0; i < 4; i++) {
      await mqtt(ref, 'crash')
      await t.tick(10_000)
    }
    expect(ref.getSnapshot()).toMatchObject({ value: 'failed', restarts: 3, lastError: 'crash from a timer' })
    await expect(mqtt(ref, 'get')).rejects.toMatchObject({ code: 'ACTOR_STOPPED' })
  })

  it('HTTP handlers answer 200 with the value, the status of an HttpError, or 500', async () => {
    const { ref } = await run(counter)
    await mqtt(ref, 'add', { by: 4 })
    expect(await http(ref, 'GET /count')).toEqual({ status: 200, body: { count: 4 } })
    expect(await http(ref, 'POST /teapot')).toEqual({
      status: 418,
      body: { error: { code: 'TEAPOT', message: 'I am a teapot' } },
    })
    expect(await http(ref, 'POST /oops')).toEqual({
      status: 500,
      body: { error: { code: 'HANDLER_ERROR', message: 'plain error' } },
    })
  })

  it('an event handler returns the next state; a throw in it restarts the petal', async () => {
    const p = definePetal({
      name: 'petal-events',
      version: '1',
      init: () => ({ seen: 0 }),
      mqtt: { get: (_m, s) => ({ status: 'success', data: s }) },
      on: {
        'test:tick': (payload, s) => {
          if (payload === 'bad') throw new Error('bad event')
          return { seen: s.seen + 1 }
        },
      },
    })
    const { t, ref } = await run(p)
    ref.tell({ type: 'event', name: 'test:tick', payload: 1 })
    ref.tell({ type: 'event', name: 'test:tick', payload: 2 })
    expect((await mqtt(ref, 'get')).data).toEqual({ seen: 2 })
    ref.tell({ type: 'event', name: 'test:tick', payload: 'bad' })
    await t.tick(200)
    expect(ref.getSnapshot()).toMatchObject({ restarts: 1, lastError: 'bad event' })
  })
})

describe('proxies', () => {
  const p = definePetal({
    name: 'petal-proxies',
    version: '1',
    requires: ['redis'],
    optional: ['cloud'],
    init: () => null,
    mqtt: {
      redis: (_m, _s, ctx) => ({ status: 'success', data: ctx.proxy('redis') }),
      cloud: (_m, _s, ctx) => ({ status: 'success', data: ctx.optionalProxy('cloud') ?? 'absent' }),
      undeclared: (_m, _s, ctx) => ({ status: 'success', data: ctx.proxy('mqtt' as 'redis') }),
    },
  })

  it('ctx.proxy returns a declared proxy; asking for an undeclared one is an error', async () => {
    const { ref } = await run(p, services([], { redis: 'the-redis-facade' }))
    expect((await mqtt(ref, 'redis')).data).toBe('the-redis-facade')
    expect(await mqtt(ref, 'undeclared')).toMatchObject({
      error_code: 'HANDLER_ERROR',
      message: "Handler error: petal-proxies asked for proxy 'mqtt' without declaring it in 'requires'",
    })
  })

  it('ctx.optionalProxy returns undefined when the proxy is not enabled', async () => {
    const { ref } = await run(p, services([], { redis: 'r' }))
    expect((await mqtt(ref, 'cloud')).data).toBe('absent')
  })
})

describe('jobs', () => {
  function jobPetal(body: (j: JobContext) => Promise<unknown>, timeoutMs?: number) {
    return definePetal({
      name: 'petal-jobs',
      version: '1',
      init: () => ({ last: null as unknown }),
      mqtt: {
        start: (_m, _s, ctx) => {
          const h = ctx.job('work', body, timeoutMs === undefined ? {} : { timeoutMs })
          h.result.then(
            (v) => ctx.actor.self.tell({ type: 'event', name: 'job:done', payload: v } as never),
            () => {},
          )
          return { status: 'success', data: { jobId: h.id } }
        },
        cancel: (m, _s, ctx) => {
          const id = String(m.payload.id)
          const job = ctx.jobs().find((j) => j.id === id)
          return { status: 'success', data: job?.state ?? 'none' }
        },
        list: (_m, _s, ctx) => ({ status: 'success', data: ctx.jobs().map((j) => `${j.id}:${j.state}`) }),
        crash: (_m, _s, ctx) => {
          ctx.fail(new Error('petal crash'))
          return { status: 'success' }
        },
      },
    })
  }

  it('a job reports progress and succeeds; the sink sees started, progress and succeeded', async () => {
    const events: JobEvent[] = []
    const { t, ref } = await run(
      jobPetal(async (j) => {
        for (let i = 1; i <= 3; i++) {
          await new Promise((r) => setTimeout(r, 1))
          j.progress({ done: i, total: 3 })
        }
        return 'ok'
      }),
      services(events),
    )
    expect(await mqtt(ref, 'start')).toEqual({ status: 'success', data: { jobId: 'work-1' } })
    await new Promise((r) => setTimeout(r, 50))
    await t.tick()
    expect(events.map((e) => e.kind)).toEqual(['started', 'progress', 'progress', 'succeeded'])
    expect(events.at(-2)!.job.progress).toEqual({ done: 3, total: 3 })
    expect((await mqtt(ref, 'list')).data).toEqual(['work-1:succeeded'])
    expect(t.system.lookup('/petal-jobs/job-work-1')).toBeUndefined()
  })

  it('a failing job is a result, not a crash of its petal', async () => {
    const events: JobEvent[] = []
    const { t, ref } = await run(
      jobPetal(async () => {
        throw new Error('job went wrong')
      }),
      services(events),
    )
    await mqtt(ref, 'start')
    await t.tick()
    expect(events.at(-1)).toMatchObject({ kind: 'failed', job: { state: 'failed', error: 'job went wrong' } })
    expect(ref.getSnapshot().restarts).toBe(0)
  })

  it('a job past its time limit is cancelled and its signal aborted', async () => {
    const events: JobEvent[] = []
    let aborted = false
    const { t, ref } = await run(
      jobPetal(
        (j) =>
          new Promise((_, reject) => {
            j.signal.addEventListener('abort', () => {
              aborted = true
              reject(j.signal.reason)
            })
          }),
        500,
      ),
      services(events),
    )
    await mqtt(ref, 'start')
    await t.tick(500)
    expect(aborted).toBe(true)
    expect(events.at(-1)).toMatchObject({ kind: 'cancelled', job: { error: 'time limit 500 ms' } })
  })

  it('no job outlives its petal: a petal crash aborts and cancels its running jobs', async () => {
    const events: JobEvent[] = []
    let aborted = false
    const { t, ref } = await run(
      jobPetal(
        (j) =>
          new Promise(() => {
            j.signal.addEventListener('abort', () => {
              aborted = true
            })
          }),
      ),
      services(events),
    )
    await mqtt(ref, 'start')
    await expect(mqtt(ref, 'crash')).rejects.toMatchObject({ code: 'ACTOR_FAILED' })
    await t.tick(200)
    expect(aborted).toBe(true)
    expect(events.at(-1)).toMatchObject({ kind: 'cancelled', job: { error: 'its petal stopped' } })
    expect(t.system.lookup('/petal-jobs/job-work-1')).toBeUndefined()
    expect(ref.getSnapshot()).toMatchObject({ value: 'running', restarts: 1 })
  })
})

describe('definePetal', () => {
  it('returns a frozen, branded definition', () => {
    expect(Object.isFrozen(counter)).toBe(true)
    expect(counter.name).toBe('petal-test')
  })

  it('names every problem of an invalid definition', () => {
    expect(() =>
      definePetal({
        name: 'flight_records',
        version: '',
        requires: ['reddis' as 'redis'],
        mqtt: { 'bad key!': () => undefined },
        http: { 'FETCH /x': () => 1 } as never,
        on: { nocolon: () => null },
      }),
    ).toThrow(
      "invalid petal definition: name: expected 'petal-<kebab-case>', found \"flight_records\"; version: expected a non-empty string, found \"\"; requires: 'reddis' is not a proxy name (ext_mavlink, ftp_mavlink, redis, db, cloud, bucket, mqtt); mqtt.bad key!: expected a command key of letters, digits, '_', '.', '-'; http['FETCH /x']: expected '<GET|POST|PUT|PATCH|DELETE> /path'; on['nocolon']: expected '<source>:<topic>', e.g. 'mavlink:HEARTBEAT'",
    )
  })
})

describe('two-phase operations', () => {
  const op = definePetal({
    name: 'petal-op',
    version: '1',
    init: () => null,
    mqtt: {
      work: (msg, _s, ctx) =>
        ctx.operation(msg, 'work', async (job) => {
          job.progress({ done: 1, total: 2 })
          await new Promise((r) => setTimeout(r, Number(msg.payload.ms ?? 5)))
          if (job.signal.aborted) throw job.signal.reason
          return { status: 'success', message: 'worked', data: { n: 2 } }
        }),
      stop: (msg, _s, ctx) => ({
        status: 'success',
        data: ctx.cancelJob(String(msg.payload.id), 'asked to stop'),
      }),
      cancel_operation: (msg, _s, ctx) => ctx.cancelOperation(msg),
    },
  })

  it('answers at once, refuses a second run while one is active, then publishes the result with the messageId', async () => {
    published.length = 0
    const { ref } = await run(op)
    const first = await ref.ask<Record<string, unknown>>({
      type: 'mqtt',
      key: 'work',
      command: { ...command('petal-op/work', { ms: 30 }), messageId: 'm-first' },
    })
    expect(first).toEqual({ status: 'success', message: 'work started', data: { job_id: 'work-1' } })
    expect(await mqtt(ref, 'work')).toMatchObject({
      error_code: 'OPERATION_ACTIVE',
      data: { job_id: 'work-1' },
    })
    await new Promise((r) => setTimeout(r, 80))
    expect(published).toEqual([
      {
        event: '/petal-op/work',
        messageId: 'm-first',
        payload: { success: true, status: 'success', message: 'worked', data: { n: 2 }, job_id: 'work-1' },
      },
    ])
  })

  it('a cancelled operation publishes CANCELLED', async () => {
    published.length = 0
    const { ref } = await run(op)
    await mqtt(ref, 'work', { ms: 200 })
    expect((await mqtt(ref, 'stop', { id: 'work-1' })).data).toBe(true)
    await new Promise((r) => setTimeout(r, 20))
    expect(published[0]).toMatchObject({
      event: '/petal-op/work',
      payload: { success: false, status: 'error', error_code: 'CANCELLED' },
    })
    expect((await mqtt(ref, 'stop', { id: 'work-1' })).data).toBe(false)
  })

  it('cancelOperation cancels the job named by job_id, and answers a bad or unknown id', async () => {
    published.length = 0
    const { ref } = await run(op)
    await mqtt(ref, 'work', { ms: 200 })
    expect(await mqtt(ref, 'cancel_operation', { job_id: 7 })).toEqual({
      status: 'error',
      message: 'payload.job_id must be a string',
      error_code: 'VALIDATION_ERROR',
    })
    expect(await mqtt(ref, 'cancel_operation', { job_id: 'work-1' })).toEqual({
      status: 'success',
      message: 'job work-1 cancelled',
    })
    await new Promise((r) => setTimeout(r, 20))
    expect(published[0]).toMatchObject({
      event: '/petal-op/work',
      payload: {
        success: false,
        error_code: 'CANCELLED',
        message: expect.stringContaining('cancelled by command'),
      },
    })
    expect(await mqtt(ref, 'cancel_operation', { job_id: 'work-1' })).toMatchObject({
      status: 'error',
      error_code: 'NOT_FOUND',
    })
  })
})
