/**
 * Conformance suite for runtime/kernel/supervisor.ts, part 1: starting, restart types, strategies
 * and dynamic children. One test per sentence of its module doc, including OTP's supervisor_SUITE
 * cases (issue #2); intensity, backoff and escalation are in `supervisor.intensity.test.ts`,
 * stopping in `supervisor.stopping.test.ts`.
 */
import { describe, expect, it } from 'vitest'
import {
  type ActorRef,
  restartChild,
  type SupervisorMsg,
  terminateChild,
  whichChildren,
} from '../../runtime/kernel/index.ts'
import type { ProbeMsg } from '../support/probe.ts'
import { ref, status, supervisorHarness } from './supervisorHarness.ts'

describe('Starting', () => {
  it('starts children one at a time in spec order, each after the previous init settled', async () => {
    const { t, j, start, child } = supervisorHarness()
    const started = start({
      children: [child('a', { initDelayMs: 30 }), child('b', { initDelayMs: 10 }), child('c')],
    })
    await t.tick()
    expect(j.entries).toEqual(['init:a'])
    await t.tick(30)
    expect(j.entries).toEqual(['init:a', 'init:b'])
    await t.tick(10)
    await started
    expect(j.entries).toEqual(['init:a', 'init:b', 'init:c'])
  })

  it('one_for_one: a child whose init fails is restarted and the remaining children still start', async () => {
    const { t, j, start, child } = supervisorHarness()
    await start({ intensity: 5, children: [child('a', { failInit: (n) => n === 1 }), child('b')] })
    await t.tick()
    expect(j.entries).toEqual(['init:a', 'init:b', 'init:a'])
    expect(status(t, '/a')).toBe('running')
    expect(status(t, '/b')).toBe('running')
  })

  for (const strategy of ['rest_for_one', 'one_for_all'] as const) {
    it(`${strategy}: the start sequence stops at a failed init; its restart starts the rest`, async () => {
      const { t, j, start, child } = supervisorHarness()
      await start({
        strategy,
        intensity: 5,
        backoff: { minMs: 100, maxMs: 100, jitter: 0 },
        children: [child('a'), child('b', { failInit: (n) => n === 1 }), child('c')],
      })
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
    const { t, start, child } = supervisorHarness()
    let resolved = false
    const p = start({
      intensity: 5,
      children: [
        child('a', { initDelayMs: 50 }),
        child('b', { failInit: () => true }, { restart: 'temporary' }),
      ],
    }).then(() => {
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
    const { t, j, start, probes, boom } = supervisorHarness()
    await start({ intensity: 5, children: probes('p') })
    await boom('/p')
    ref(t, '/p').tell({ type: 'exit' })
    await t.tick()
    expect(j.of('init')).toHaveLength(3)
    expect(status(t, '/p')).toBe('running')
    expect(ref(t, '/p').getSnapshot().restarts).toBe(2)
  })

  it('a transient child is restarted after a failure only; it stays stopped after stopSelf', async () => {
    const { t, j, start, child, boom } = supervisorHarness()
    await start({ intensity: 5, children: [child('t', {}, { restart: 'transient' })] })
    await boom('/t')
    expect(j.of('init')).toHaveLength(2)
    ref(t, '/t').tell({ type: 'exit' })
    await t.tick()
    expect(j.of('init')).toHaveLength(2)
    expect(status(t, '/t')).toBe('stopped')
  })

  it('a transient child that is stopped (terminateChild) is not restarted', async () => {
    const { t, j, start, child } = supervisorHarness()
    const root = await start({ intensity: 5, children: [child('t', {}, { restart: 'transient' })] })
    await terminateChild(root, 't')
    await t.tick(10_000)
    expect(status(t, '/t')).toBe('stopped')
    expect(j.of('init')).toHaveLength(1)
  })

  it('a temporary child is never restarted and its spec is removed', async () => {
    const { t, j, start, child, boom } = supervisorHarness()
    const root = await start({ intensity: 5, children: [child('x', {}, { restart: 'temporary' })] })
    const x = ref(t, '/x')
    await boom('/x')
    expect(j.of('init')).toHaveLength(1)
    expect(x.getSnapshot().value).toBe('stopped')
    expect(t.system.lookup('/x')).toBeUndefined()
    expect(await whichChildren(root)).toEqual([])
  })

  for (const strategy of ['one_for_all', 'rest_for_one'] as const) {
    it(`${strategy}: a temporary child stopped because a sibling failed is not restarted`, async () => {
      const { t, j, start, child, boom } = supervisorHarness()
      await start({
        strategy,
        intensity: 5,
        children: [child('a'), child('tmp', {}, { restart: 'temporary' })],
      })
      const tmp = ref(t, '/tmp')
      await boom('/a')
      expect(j.of('init:tmp')).toHaveLength(1)
      expect(j.of('stop:tmp')).toHaveLength(1)
      expect(tmp.getSnapshot().value).toBe('stopped')
      expect(t.system.lookup('/tmp')).toBeUndefined()
      expect(status(t, '/a')).toBe('running')
    })
  }
})

describe('Strategies', () => {
  it('one_for_one restarts only the child that ended', async () => {
    const { t, j, start, probes, boom } = supervisorHarness()
    await start({ intensity: 5, children: probes('a', 'b', 'c') })
    j.clear()
    await boom('/b')
    expect(j.entries).toEqual(['got:b:boom', 'stop:b', 'init:b'])
    expect(ref(t, '/a').getSnapshot().restarts).toBe(0)
    expect(ref(t, '/c').getSnapshot().restarts).toBe(0)
  })

  it('one_for_all stops every other running child in reverse order, then restarts all in order', async () => {
    const { j, start, probes, boom } = supervisorHarness()
    await start({ strategy: 'one_for_all', intensity: 5, children: probes('a', 'b', 'c') })
    j.clear()
    await boom('/b')
    expect(j.entries).toEqual(['got:b:boom', 'stop:b', 'stop:c', 'stop:a', 'init:a', 'init:b', 'init:c'])
  })

  it('rest_for_one stops the later children in reverse order, then restarts it and them in order', async () => {
    const { t, j, start, probes, boom } = supervisorHarness()
    await start({ strategy: 'rest_for_one', intensity: 5, children: probes('a', 'b', 'c', 'd') })
    j.clear()
    await boom('/b')
    expect(j.entries).toEqual(['got:b:boom', 'stop:b', 'stop:d', 'stop:c', 'init:b', 'init:c', 'init:d'])
    expect(ref(t, '/a').getSnapshot().restarts).toBe(0)
  })

  it('a child stopped by the operator is left stopped by group restarts', async () => {
    const { t, j, start, probes, boom } = supervisorHarness()
    const root = await start({ strategy: 'one_for_all', intensity: 5, children: probes('a', 'b', 'c') })
    await terminateChild(root, 'c')
    j.clear()
    await boom('/a')
    expect(j.of('init')).toEqual(['init:a', 'init:b'])
    expect(status(t, '/c')).toBe('stopped')
    expect(await restartChild(root, 'c')).toBe(true)
    expect(status(t, '/c')).toBe('running')
  })
})

describe('Dynamic children', () => {
  it('startChild adds a child at the end; duplicate ids are refused', async () => {
    const { start, probes, child } = supervisorHarness()
    const root = await start({ children: probes('a') })
    const b = await root.ask<ActorRef<ProbeMsg>>({ type: 'start-child', spec: child('b') })
    expect(b.path).toBe('/b')
    expect(b.getSnapshot().value).toBe('running')
    await expect(
      (root as ActorRef<SupervisorMsg>).ask({ type: 'start-child', spec: child('b') }),
    ).rejects.toThrow(/already used/)
    expect((await whichChildren(root)).map((c) => c.id)).toEqual(['a', 'b'])
  })
})
