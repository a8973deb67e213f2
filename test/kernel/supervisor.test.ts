/**
 * Conformance suite for runtime/kernel/supervisor.ts: one test per sentence of its module doc,
 * including OTP's supervisor_SUITE cases (issue #2).
 */
import { describe, expect, it } from 'vitest'
import {
  type ActorRef,
  type Behavior,
  IntensityExceeded,
  type Message,
  restartChild,
  SUPERVISOR_DEFAULTS,
  type SupervisorMsg,
  supervisor,
  terminateChild,
  whichChildren,
} from '../../runtime/kernel/index.ts'
import { Journal, type ProbeMsg, probe, testSystem } from '../support/probe.ts'

const ref = (t: ReturnType<typeof testSystem>, path: string) => t.system.lookup<ProbeMsg>(path)!
const status = (t: ReturnType<typeof testSystem>, path: string) => ref(t, path).getSnapshot().value

describe('Starting', () => {
  it('starts children one at a time in spec order, each after the previous init settled', async () => {
    const t = testSystem()
    const j = new Journal()
    const started = t.system.start(
      supervisor({
        children: [
          { id: 'a', start: probe('a', j, { initDelayMs: 30 }) },
          { id: 'b', start: probe('b', j, { initDelayMs: 10 }) },
          { id: 'c', start: probe('c', j) },
        ],
      }),
    )
    await t.tick()
    expect(j.entries).toEqual(['init:a'])
    await t.tick(30)
    expect(j.entries).toEqual(['init:a', 'init:b'])
    await t.tick(10)
    await started
    expect(j.entries).toEqual(['init:a', 'init:b', 'init:c'])
  })

  it('one_for_one: a child whose init fails is restarted and the remaining children still start', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        intensity: 5,
        children: [
          { id: 'a', start: probe('a', j, { failInit: (n) => n === 1 }) },
          { id: 'b', start: probe('b', j) },
        ],
      }),
    )
    await t.tick()
    expect(j.entries).toEqual(['init:a', 'init:b', 'init:a'])
    expect(status(t, '/a')).toBe('running')
    expect(status(t, '/b')).toBe('running')
  })

  for (const strategy of ['rest_for_one', 'one_for_all'] as const) {
    it(`${strategy}: the start sequence stops at a failed init; its restart starts the rest`, async () => {
      const t = testSystem()
      const j = new Journal()
      await t.system.start(
        supervisor({
          strategy,
          intensity: 5,
          backoff: { minMs: 100, maxMs: 100, jitter: 0 },
          children: [
            { id: 'a', start: probe('a', j) },
            { id: 'b', start: probe('b', j, { failInit: (n) => n === 1 }) },
            { id: 'c', start: probe('c', j) },
          ],
        }),
      )
      await t.tick()
      expect(j.entries.filter((e) => e.startsWith('init'))).toEqual(['init:a', 'init:b'])
      expect(status(t, '/c')).toBe('starting')
      await t.tick(100)
      const inits = j.of('init')
      expect(inits.slice(-2)).toEqual(['init:b', 'init:c'])
      expect(status(t, '/b')).toBe('running')
      expect(status(t, '/c')).toBe('running')
    })
  }

  it("the supervisor's start resolves when every child has been tried", async () => {
    const t = testSystem()
    const j = new Journal()
    let resolved = false
    const p = t.system
      .start(
        supervisor({
          intensity: 5,
          children: [
            { id: 'a', start: probe('a', j, { initDelayMs: 50 }) },
            { id: 'b', start: probe('b', j, { failInit: () => true }), restart: 'temporary' },
          ],
        }),
      )
      .then(() => {
        resolved = true
      })
    await t.tick(49)
    expect(resolved).toBe(false)
    await t.tick(1)
    await p
    expect(resolved).toBe(true)
  })
})

describe('Restart types', () => {
  it('a permanent child is restarted after a failure and after a normal exit', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(supervisor({ intensity: 5, children: [{ id: 'p', start: probe('p', j) }] }))
    ref(t, '/p').tell({ type: 'boom' })
    await t.tick()
    ref(t, '/p').tell({ type: 'exit' })
    await t.tick()
    expect(j.of('init')).toHaveLength(3)
    expect(status(t, '/p')).toBe('running')
    expect(ref(t, '/p').getSnapshot().restarts).toBe(2)
  })

  it('a transient child is restarted after a failure only; it stays stopped after stopSelf', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({ intensity: 5, children: [{ id: 't', start: probe('t', j), restart: 'transient' }] }),
    )
    ref(t, '/t').tell({ type: 'boom' })
    await t.tick()
    expect(j.of('init')).toHaveLength(2)
    ref(t, '/t').tell({ type: 'exit' })
    await t.tick()
    expect(j.of('init')).toHaveLength(2)
    expect(status(t, '/t')).toBe('stopped')
  })

  it('a transient child that is stopped (terminateChild) is not restarted', async () => {
    const t = testSystem()
    const j = new Journal()
    const root = await t.system.start(
      supervisor({ intensity: 5, children: [{ id: 't', start: probe('t', j), restart: 'transient' }] }),
    )
    await terminateChild(root, 't')
    await t.tick(10_000)
    expect(status(t, '/t')).toBe('stopped')
    expect(j.of('init')).toHaveLength(1)
  })

  it('a temporary child is never restarted and its spec is removed', async () => {
    const t = testSystem()
    const j = new Journal()
    const root = await t.system.start(
      supervisor({ intensity: 5, children: [{ id: 'x', start: probe('x', j), restart: 'temporary' }] }),
    )
    const x = ref(t, '/x')
    x.tell({ type: 'boom' })
    await t.tick()
    expect(j.of('init')).toHaveLength(1)
    expect(x.getSnapshot().value).toBe('stopped')
    expect(t.system.lookup('/x')).toBeUndefined()
    expect(await whichChildren(root)).toEqual([])
  })

  for (const strategy of ['one_for_all', 'rest_for_one'] as const) {
    it(`${strategy}: a temporary child stopped because a sibling failed is not restarted`, async () => {
      const t = testSystem()
      const j = new Journal()
      await t.system.start(
        supervisor({
          strategy,
          intensity: 5,
          children: [
            { id: 'a', start: probe('a', j) },
            { id: 'tmp', start: probe('tmp', j), restart: 'temporary' },
          ],
        }),
      )
      const tmp = ref(t, '/tmp')
      ref(t, '/a').tell({ type: 'boom' })
      await t.tick()
      expect(j.of('init:tmp')).toHaveLength(1)
      expect(j.of('stop:tmp')).toHaveLength(1)
      expect(tmp.getSnapshot().value).toBe('stopped')
      expect(t.system.lookup('/tmp')).toBeUndefined()
      expect(status(t, '/a')).toBe('running')
    })
  }
})

describe('Strategies', () => {
  const three = (j: Journal) => [
    { id: 'a', start: probe('a', j) },
    { id: 'b', start: probe('b', j) },
    { id: 'c', start: probe('c', j) },
  ]

  it('one_for_one restarts only the child that ended', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(supervisor({ intensity: 5, children: three(j) }))
    j.clear()
    ref(t, '/b').tell({ type: 'boom' })
    await t.tick()
    expect(j.entries).toEqual(['got:b:boom', 'stop:b', 'init:b'])
    expect(ref(t, '/a').getSnapshot().restarts).toBe(0)
    expect(ref(t, '/c').getSnapshot().restarts).toBe(0)
  })

  it('one_for_all stops every other running child in reverse order, then restarts all in order', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(supervisor({ strategy: 'one_for_all', intensity: 5, children: three(j) }))
    j.clear()
    ref(t, '/b').tell({ type: 'boom' })
    await t.tick()
    expect(j.entries).toEqual(['got:b:boom', 'stop:b', 'stop:c', 'stop:a', 'init:a', 'init:b', 'init:c'])
  })

  it('rest_for_one stops the later children in reverse order, then restarts it and them in order', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        strategy: 'rest_for_one',
        intensity: 5,
        children: [...three(j), { id: 'd', start: probe('d', j) }],
      }),
    )
    j.clear()
    ref(t, '/b').tell({ type: 'boom' })
    await t.tick()
    expect(j.entries).toEqual(['got:b:boom', 'stop:b', 'stop:d', 'stop:c', 'init:b', 'init:c', 'init:d'])
    expect(ref(t, '/a').getSnapshot().restarts).toBe(0)
  })

  it('a child stopped by the operator is left stopped by group restarts', async () => {
    const t = testSystem()
    const j = new Journal()
    const root = await t.system.start(
      supervisor({ strategy: 'one_for_all', intensity: 5, children: three(j) }),
    )
    await terminateChild(root, 'c')
    j.clear()
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    expect(j.of('init')).toEqual(['init:a', 'init:b'])
    expect(status(t, '/c')).toBe('stopped')
    expect(await restartChild(root, 'c')).toBe(true)
    expect(status(t, '/c')).toBe('running')
  })
})

describe('Intensity', () => {
  it('is a sliding window: restarts older than periodMs no longer count', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({ intensity: 2, periodMs: 1000, children: [{ id: 'a', start: probe('a', j) }] }),
    )
    const boomAt = async (ms: number) => {
      await t.tick(ms)
      ref(t, '/a').tell({ type: 'boom' })
      await t.tick()
    }
    await boomAt(0)
    await boomAt(500)
    await boomAt(600) // t = 1100: the restart at t = 0 left the window
    expect(t.fatal).toEqual([])
    expect(status(t, '/a')).toBe('running')
    await boomAt(300) // t = 1400: restarts at 500, 1100, 1400 > 2 within [400, 1400]
    expect(t.fatal).toHaveLength(1)
    expect(t.fatal[0]).toBeInstanceOf(IntensityExceeded)
  })

  it('the window is inclusive with millisecond precision: a restart exactly periodMs ago still counts', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({ intensity: 1, periodMs: 1000, children: [{ id: 'a', start: probe('a', j) }] }),
    )
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick(1000)
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    expect(t.fatal).toHaveLength(1)

    const u = testSystem()
    await u.system.start(
      supervisor({ intensity: 1, periodMs: 1000, children: [{ id: 'a', start: probe('a', j) }] }),
    )
    ref(u, '/a').tell({ type: 'boom' })
    await u.tick(1001)
    ref(u, '/a').tell({ type: 'boom' })
    await u.tick()
    expect(u.fatal).toEqual([])
  })

  it('intensity 0 gives up on the first restart', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({ intensity: 0, children: [{ id: 'a', start: probe('a', j, { cleanup: true }) }] }),
    )
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    expect(j.of('init')).toHaveLength(1)
    expect(t.fatal).toHaveLength(1)
    expect(status(t, '/a')).toBe('stopped')
  })

  it('one restart decision counts once, even when a group of children is restarted', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        strategy: 'one_for_all',
        intensity: 1,
        children: [
          { id: 'a', start: probe('a', j) },
          { id: 'b', start: probe('b', j) },
          { id: 'c', start: probe('c', j) },
        ],
      }),
    )
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    expect(t.fatal).toEqual([])
    expect(j.of('init')).toHaveLength(6)
  })

  it('a restart whose init fails counts again', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        intensity: 2,
        children: [{ id: 'a', start: probe('a', j, { failInit: (n) => n >= 2 }) }],
      }),
    )
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    // boom -> restart 1 (init fails) -> restart 2 (init fails) -> third restart exceeds 2
    expect(j.of('init')).toHaveLength(3)
    expect(t.fatal).toHaveLength(1)
  })

  it('defaults are intensity 1 within 5000 ms and one_for_one', async () => {
    expect(SUPERVISOR_DEFAULTS.intensity).toBe(1)
    expect(SUPERVISOR_DEFAULTS.periodMs).toBe(5000)
    expect(SUPERVISOR_DEFAULTS.strategy).toBe('one_for_one')
    expect(SUPERVISOR_DEFAULTS.restart).toBe('permanent')
    const t = testSystem()
    const j = new Journal()
    await t.system.start(supervisor({ children: [{ id: 'a', start: probe('a', j) }] }))
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick(4999)
    expect(t.fatal).toEqual([])
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    expect(t.fatal).toHaveLength(1)
  })
})

describe('Backoff', () => {
  it('the n-th consecutive restart waits min(maxMs, minMs * 2^n); the child is restarting meanwhile', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        intensity: 100,
        periodMs: 1_000_000,
        backoff: { minMs: 100, maxMs: 1000, jitter: 0, resetAfterMs: 1_000_000 },
        children: [{ id: 'a', start: probe('a', j) }],
      }),
    )
    const delays: number[] = []
    for (let k = 0; k < 6; k++) {
      ref(t, '/a').tell({ type: 'boom' })
      await t.tick()
      expect(status(t, '/a')).toBe('restarting')
      const before = t.clock.now()
      while (status(t, '/a') !== 'running') await t.tick(1)
      delays.push(t.clock.now() - before)
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000])
    expect(t.supervision('restart').map((e) => e.delayMs)).toEqual(delays)
  })

  it('messages sent during the wait are kept in the mailbox and handled after the restart', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        intensity: 5,
        backoff: { minMs: 500, maxMs: 500, jitter: 0 },
        children: [{ id: 'a', start: probe('a', j) }],
      }),
    )
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    ref(t, '/a').tell({ type: 'ping' })
    ref(t, '/a').tell({ type: 'ping' })
    const answer = ref(t, '/a').ask<number>({ type: 'get' }, { timeoutMs: 10_000 })
    await t.tick(499)
    expect(j.of('got:a:ping')).toEqual([])
    await t.tick(1)
    expect(await answer).toBe(2)
  })

  it('the count resets once the child has run resetAfterMs without failing', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        intensity: 100,
        periodMs: 1_000_000,
        backoff: { minMs: 100, maxMs: 10_000, jitter: 0, resetAfterMs: 2000 },
        children: [{ id: 'a', start: probe('a', j) }],
      }),
    )
    for (let k = 0; k < 3; k++) {
      ref(t, '/a').tell({ type: 'boom' })
      await t.tick(10_000)
    }
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick(10_000)
    expect(t.supervision('restart').map((e) => e.delayMs)).toEqual([100, 100, 100, 100])
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick(150)
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick(10_000)
    expect(
      t
        .supervision('restart')
        .map((e) => e.delayMs)
        .slice(-2),
    ).toEqual([100, 200])
  })

  it('a group restart waits the backoff of the child that ended', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        strategy: 'one_for_all',
        intensity: 5,
        backoff: { minMs: 300, maxMs: 300, jitter: 0 },
        children: [
          { id: 'a', start: probe('a', j) },
          { id: 'b', start: probe('b', j) },
        ],
      }),
    )
    j.clear()
    ref(t, '/b').tell({ type: 'boom' })
    await t.tick(299)
    expect(j.of('init')).toEqual([])
    expect(status(t, '/a')).toBe('restarting')
    await t.tick(1)
    expect(j.of('init')).toEqual(['init:a', 'init:b'])
  })
})

describe('Giving up and escalation', () => {
  it('past its intensity a supervisor stops all its children in reverse order and fails; its parent restarts it', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        intensity: 5,
        children: [
          {
            id: 'inner',
            start: supervisor({
              intensity: 0,
              children: [
                { id: 'a', start: probe('a', j) },
                { id: 'b', start: probe('b', j) },
                { id: 'c', start: probe('c', j) },
              ],
            }),
          },
        ],
      }),
    )
    j.clear()
    ref(t, '/inner/a').tell({ type: 'boom' })
    await t.tick()
    expect(j.entries).toEqual(['got:a:boom', 'stop:a', 'stop:c', 'stop:b', 'init:a', 'init:b', 'init:c'])
    expect(t.supervision('escalated').map((e) => e.path)).toEqual(['/inner'])
    expect(ref(t, '/inner').getSnapshot().restarts).toBe(1)
    expect(ref(t, '/inner').getSnapshot().lastError).toMatch(/gave up: more than 0 restart/)
    expect(t.fatal).toEqual([])
  })

  it('unlike OTP, a transient supervisor child that gives up is restarted (giving up is abnormal)', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        intensity: 5,
        children: [
          {
            id: 'inner',
            restart: 'transient',
            start: supervisor({ intensity: 0, children: [{ id: 'a', start: probe('a', j) }] }),
          },
        ],
      }),
    )
    ref(t, '/inner/a').tell({ type: 'boom' })
    await t.tick()
    expect(status(t, '/inner')).toBe('running')
    expect(j.of('init:a')).toHaveLength(2)
  })

  it('when the root gives up, onFatal runs once and the system terminates with the failure', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(supervisor({ intensity: 0, children: [{ id: 'a', start: probe('a', j) }] }))
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    expect(t.fatal).toHaveLength(1)
    const reason = await t.system.terminated
    expect(reason.kind).toBe('failure')
    expect(j.of('stop:a')).toHaveLength(1)
  })
})

describe('Per-child budget', () => {
  it("with onExhausted 'fail' the child is marked failed and stays down; siblings run on", async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        intensity: 0,
        children: [
          { id: 'flaky', start: probe('flaky', j), budget: { intensity: 2, periodMs: 10_000 } },
          { id: 'steady', start: probe('steady', j) },
        ],
      }),
    )
    for (let k = 0; k < 3; k++) {
      ref(t, '/flaky').tell({ type: 'boom' })
      await t.tick()
    }
    expect(status(t, '/flaky')).toBe('failed')
    expect(ref(t, '/flaky').getSnapshot().status).toBe('error')
    expect(status(t, '/steady')).toBe('running')
    expect(t.fatal).toEqual([])
    expect(t.supervision('gave-up').map((e) => e.path)).toEqual(['/flaky'])
    ref(t, '/flaky').tell({ type: 'boom' })
    await t.tick(60_000)
    expect(j.of('init:flaky')).toHaveLength(3)
  })

  it("with onExhausted 'escalate' the supervisor gives up", async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        intensity: 10,
        children: [
          {
            id: 'a',
            start: probe('a', j),
            budget: { intensity: 1, periodMs: 10_000, onExhausted: 'escalate' },
          },
        ],
      }),
    )
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    expect(t.fatal).toHaveLength(1)
  })

  it('a per-child budget needs one_for_one', async () => {
    const t = testSystem()
    const j = new Journal()
    await expect(
      t.system.start(
        supervisor({
          strategy: 'rest_for_one',
          children: [{ id: 'a', start: probe('a', j), budget: { intensity: 1, periodMs: 1000 } }],
        }),
      ),
    ).rejects.toThrow(/per-child budget needs strategy one_for_one/)
  })
})

describe('Stopping', () => {
  it('children stop in reverse start order, one at a time', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        children: [
          { id: 'a', start: probe('a', j) },
          { id: 'b', start: probe('b', j) },
          { id: 'c', start: probe('c', j) },
        ],
      }),
    )
    j.clear()
    await t.system.stop()
    expect(j.entries).toEqual(['stop:c', 'stop:b', 'stop:a'])
  })

  it('a child that ignores stop is abandoned after shutdownMs, its cleanups forced; the others still stop', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(
      supervisor({
        children: [
          { id: 'a', start: probe('a', j, { cleanup: true }) },
          { id: 'stuck', start: probe('stuck', j, { hangInStop: true, cleanup: true }), shutdownMs: 2000 },
        ],
      }),
    )
    j.clear()
    let stopped = false
    const stopping = t.system.stop().then(() => {
      stopped = true
    })
    await t.tick(1999)
    expect(stopped).toBe(false)
    expect(j.entries).toEqual(['stop:stuck'])
    await t.tick(1)
    await stopping
    expect(j.entries).toEqual(['stop:stuck', 'cleanup:stuck:true', 'stop:a', 'cleanup:a:false'])
    expect(t.supervision('abandoned').map((e) => e.path)).toEqual(['/stuck'])
    expect(status(t, '/stuck')).toBe('stopped')
  })

  it('a stop waits for the message in hand before calling stop', async () => {
    const t = testSystem()
    const j = new Journal()
    await t.system.start(supervisor({ children: [{ id: 'a', start: probe('a', j) }] }))
    ref(t, '/a').tell({ type: 'slow', ms: 100 })
    await t.tick(10)
    const stopping = t.system.stop()
    await t.tick(50)
    expect(j.of('stop:a')).toEqual([])
    await t.tick(50)
    await stopping
    expect(j.of('stop:a')).toEqual(['stop:a'])
  })

  it('defaults: 5000 ms for a worker, Infinity for a supervisor', () => {
    expect(SUPERVISOR_DEFAULTS.workerShutdownMs).toBe(5000)
    expect(SUPERVISOR_DEFAULTS.supervisorShutdownMs).toBe(Number.POSITIVE_INFINITY)
  })

  it('no child outlives its parent: a failing worker stops the children it spawned', async () => {
    const t = testSystem()
    const j = new Journal()
    const parent: Behavior<null, { type: 'spawn' } | { type: 'boom' }> = {
      init: () => null,
      receive: (s, msg, ctx) => {
        if (msg.type === 'boom') throw new Error('parent boom')
        ctx.spawn('kid', probe('kid', j, { cleanup: true }))
        const grand: Behavior<null, Message> = {
          init: (c) => {
            c.spawn('grandkid', probe('grandkid', j, { cleanup: true }))
            return null
          },
          receive: (x) => x,
        }
        ctx.spawn('mid', grand)
        return s
      },
    }
    await t.system.start(supervisor({ intensity: 5, children: [{ id: 'p', start: parent }] }))
    const p = t.system.lookup<{ type: 'spawn' } | { type: 'boom' }>('/p')!
    p.tell({ type: 'spawn' })
    await t.tick()
    const kid = t.system.lookup('/p/kid')!
    const grandkid = t.system.lookup('/p/mid/grandkid')!
    expect(kid.getSnapshot().value).toBe('running')
    p.tell({ type: 'boom' })
    await t.tick()
    expect(kid.getSnapshot().value).toBe('stopped')
    expect(grandkid.getSnapshot().value).toBe('stopped')
    expect(j.of('cleanup')).toEqual(['cleanup:grandkid:false', 'cleanup:kid:false'])
    expect(t.system.lookup('/p/kid')).toBeUndefined()
    expect(t.system.paths().filter((x) => x.startsWith('/p/'))).toEqual([])
  })

  it('no child outlives its parent: a supervisor that gives up has stopped every descendant', async () => {
    const t = testSystem()
    const j = new Journal()
    const spawner: Behavior<null, Message> = {
      init: (ctx) => {
        ctx.spawn('job', probe('job', j, { cleanup: true }))
        return null
      },
      receive: (s) => s,
    }
    await t.system.start(
      supervisor({
        intensity: 0,
        children: [
          { id: 'w', start: spawner },
          {
            id: 'inner',
            start: supervisor({ children: [{ id: 'x', start: probe('x', j, { cleanup: true }) }] }),
          },
          { id: 'a', start: probe('a', j) },
        ],
      }),
    )
    ref(t, '/a').tell({ type: 'boom' })
    await t.tick()
    expect(t.fatal).toHaveLength(1)
    expect(j.of('cleanup')).toEqual(['cleanup:x:false', 'cleanup:job:false'])
    const d = t.system.describe()!
    const alive = (n: typeof d): string[] =>
      [n.status === 'running' ? n.path : '', ...n.children.flatMap(alive)].filter((x) => x !== '')
    expect(alive(d)).toEqual([])
  })
})

describe('Dynamic children', () => {
  it('startChild adds a child at the end; duplicate ids are refused', async () => {
    const t = testSystem()
    const j = new Journal()
    const root = await t.system.start(supervisor({ children: [{ id: 'a', start: probe('a', j) }] }))
    const b = await root.ask<ActorRef<ProbeMsg>>({
      type: 'start-child',
      spec: { id: 'b', start: probe('b', j) },
    })
    expect(b.path).toBe('/b')
    expect(b.getSnapshot().value).toBe('running')
    await expect(
      (root as ActorRef<SupervisorMsg>).ask({ type: 'start-child', spec: { id: 'b', start: probe('b', j) } }),
    ).rejects.toThrow(/already used/)
    expect((await whichChildren(root)).map((c) => c.id)).toEqual(['a', 'b'])
  })
})
