/**
 * Conformance suite for runtime/kernel/supervisor.ts, part 2: restart intensity (the sliding
 * window and its defaults), backoff between restarts, giving up and escalation, and per-child
 * budgets. One test per sentence of its module doc (issue #2).
 */
import { describe, expect, it } from 'vitest'
import { IntensityExceeded, SUPERVISOR_DEFAULTS, supervisor } from '../../runtime/kernel/index.ts'
import { ref, status, supervisorHarness } from './supervisorHarness.ts'

describe('Intensity', () => {
  it('is a sliding window: restarts older than periodMs no longer count', async () => {
    const { t, start, probes, boom } = supervisorHarness()
    await start({ intensity: 2, periodMs: 1000, children: probes('a') })
    const boomAt = async (ms: number) => {
      await t.tick(ms)
      await boom('/a')
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
    const first = supervisorHarness()
    await first.start({ intensity: 1, periodMs: 1000, children: first.probes('a') })
    await first.boom('/a', 1000)
    await first.boom('/a')
    expect(first.t.fatal).toHaveLength(1)

    const second = supervisorHarness()
    await second.start({ intensity: 1, periodMs: 1000, children: second.probes('a') })
    await second.boom('/a', 1001)
    await second.boom('/a')
    expect(second.t.fatal).toEqual([])
  })

  it('intensity 0 gives up on the first restart', async () => {
    const { t, j, start, child, boom } = supervisorHarness()
    await start({ intensity: 0, children: [child('a', { cleanup: true })] })
    await boom('/a')
    expect(j.of('init')).toHaveLength(1)
    expect(t.fatal).toHaveLength(1)
    expect(status(t, '/a')).toBe('stopped')
  })

  it('one restart decision counts once, even when a group of children is restarted', async () => {
    const { t, j, start, probes, boom } = supervisorHarness()
    await start({ strategy: 'one_for_all', intensity: 1, children: probes('a', 'b', 'c') })
    await boom('/a')
    expect(t.fatal).toEqual([])
    expect(j.of('init')).toHaveLength(6)
  })

  it('a restart whose init fails counts again', async () => {
    const { t, j, start, child, boom } = supervisorHarness()
    await start({ intensity: 2, children: [child('a', { failInit: (n) => n >= 2 })] })
    await boom('/a')
    // boom -> restart 1 (init fails) -> restart 2 (init fails) -> third restart exceeds 2
    expect(j.of('init')).toHaveLength(3)
    expect(t.fatal).toHaveLength(1)
  })

  it('defaults are intensity 1 within 5000 ms and one_for_one', async () => {
    expect(SUPERVISOR_DEFAULTS.intensity).toBe(1)
    expect(SUPERVISOR_DEFAULTS.periodMs).toBe(5000)
    expect(SUPERVISOR_DEFAULTS.strategy).toBe('one_for_one')
    expect(SUPERVISOR_DEFAULTS.restart).toBe('permanent')
    const { t, start, probes, boom } = supervisorHarness()
    await start({ children: probes('a') })
    await boom('/a', 4999)
    expect(t.fatal).toEqual([])
    await boom('/a')
    expect(t.fatal).toHaveLength(1)
  })
})

describe('Backoff', () => {
  it('the n-th consecutive restart waits min(maxMs, minMs * 2^n); the child is restarting meanwhile', async () => {
    const { t, start, probes, boom } = supervisorHarness()
    await start({
      intensity: 100,
      periodMs: 1_000_000,
      backoff: { minMs: 100, maxMs: 1000, jitter: 0, resetAfterMs: 1_000_000 },
      children: probes('a'),
    })
    const delays: number[] = []
    for (let k = 0; k < 6; k++) {
      await boom('/a')
      expect(status(t, '/a')).toBe('restarting')
      const before = t.clock.now()
      while (status(t, '/a') !== 'running') await t.tick(1)
      delays.push(t.clock.now() - before)
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000])
    expect(t.supervision('restart').map((e) => e.delayMs)).toEqual(delays)
  })

  it('messages sent during the wait are kept in the mailbox and handled after the restart', async () => {
    const { t, j, start, probes, boom } = supervisorHarness()
    await start({ intensity: 5, backoff: { minMs: 500, maxMs: 500, jitter: 0 }, children: probes('a') })
    await boom('/a')
    ref(t, '/a').tell({ type: 'ping' })
    ref(t, '/a').tell({ type: 'ping' })
    const answer = ref(t, '/a').ask<number>({ type: 'get' }, { timeoutMs: 10_000 })
    await t.tick(499)
    expect(j.of('got:a:ping')).toEqual([])
    await t.tick(1)
    expect(await answer).toBe(2)
  })

  it('the count resets once the child has run resetAfterMs without failing', async () => {
    const { t, start, probes, boom } = supervisorHarness()
    await start({
      intensity: 100,
      periodMs: 1_000_000,
      backoff: { minMs: 100, maxMs: 10_000, jitter: 0, resetAfterMs: 2000 },
      children: probes('a'),
    })
    for (let k = 0; k < 3; k++) await boom('/a', 10_000)
    await boom('/a', 10_000)
    expect(t.supervision('restart').map((e) => e.delayMs)).toEqual([100, 100, 100, 100])
    await boom('/a', 150)
    await boom('/a', 10_000)
    expect(
      t
        .supervision('restart')
        .map((e) => e.delayMs)
        .slice(-2),
    ).toEqual([100, 200])
  })

  it('a group restart waits the backoff of the child that ended', async () => {
    const { t, j, start, probes, boom } = supervisorHarness()
    await start({
      strategy: 'one_for_all',
      intensity: 5,
      backoff: { minMs: 300, maxMs: 300, jitter: 0 },
      children: probes('a', 'b'),
    })
    j.clear()
    await boom('/b', 299)
    expect(j.of('init')).toEqual([])
    expect(status(t, '/a')).toBe('restarting')
    await t.tick(1)
    expect(j.of('init')).toEqual(['init:a', 'init:b'])
  })
})

describe('Giving up and escalation', () => {
  it('past its intensity a supervisor stops all its children in reverse order and fails; its parent restarts it', async () => {
    const { t, j, start, probes, boom } = supervisorHarness()
    await start({
      intensity: 5,
      children: [{ id: 'inner', start: supervisor({ intensity: 0, children: probes('a', 'b', 'c') }) }],
    })
    j.clear()
    await boom('/inner/a')
    expect(j.entries).toEqual(['got:a:boom', 'stop:a', 'stop:c', 'stop:b', 'init:a', 'init:b', 'init:c'])
    expect(t.supervision('escalated').map((e) => e.path)).toEqual(['/inner'])
    expect(ref(t, '/inner').getSnapshot().restarts).toBe(1)
    expect(ref(t, '/inner').getSnapshot().lastError).toMatch(/gave up: more than 0 restart/)
    expect(t.fatal).toEqual([])
  })

  it('unlike OTP, a transient supervisor child that gives up is restarted (giving up is abnormal)', async () => {
    const { t, j, start, probes, boom } = supervisorHarness()
    await start({
      intensity: 5,
      children: [
        { id: 'inner', restart: 'transient', start: supervisor({ intensity: 0, children: probes('a') }) },
      ],
    })
    await boom('/inner/a')
    expect(status(t, '/inner')).toBe('running')
    expect(j.of('init:a')).toHaveLength(2)
  })

  it('when the root gives up, onFatal runs once and the system terminates with the failure', async () => {
    const { t, j, start, probes, boom } = supervisorHarness()
    await start({ intensity: 0, children: probes('a') })
    await boom('/a')
    expect(t.fatal).toHaveLength(1)
    const reason = await t.system.terminated
    expect(reason.kind).toBe('failure')
    expect(j.of('stop:a')).toHaveLength(1)
  })
})

describe('Per-child budget', () => {
  it("with onExhausted 'fail' the child is marked failed and stays down; siblings run on", async () => {
    const { t, j, start, child, boom } = supervisorHarness()
    await start({
      intensity: 0,
      children: [child('flaky', {}, { budget: { intensity: 2, periodMs: 10_000 } }), child('steady')],
    })
    for (let k = 0; k < 3; k++) await boom('/flaky')
    expect(status(t, '/flaky')).toBe('failed')
    expect(ref(t, '/flaky').getSnapshot().status).toBe('error')
    expect(status(t, '/steady')).toBe('running')
    expect(t.fatal).toEqual([])
    expect(t.supervision('gave-up').map((e) => e.path)).toEqual(['/flaky'])
    await boom('/flaky', 60_000)
    expect(j.of('init:flaky')).toHaveLength(3)
  })

  it("with onExhausted 'escalate' the supervisor gives up", async () => {
    const { t, start, child, boom } = supervisorHarness()
    await start({
      intensity: 10,
      children: [child('a', {}, { budget: { intensity: 1, periodMs: 10_000, onExhausted: 'escalate' } })],
    })
    await boom('/a')
    await boom('/a')
    expect(t.fatal).toHaveLength(1)
  })

  it('a per-child budget needs one_for_one', async () => {
    const { start, child } = supervisorHarness()
    await expect(
      start({
        strategy: 'rest_for_one',
        children: [child('a', {}, { budget: { intensity: 1, periodMs: 1000 } })],
      }),
    ).rejects.toThrow(/per-child budget needs strategy one_for_one/)
  })
})
