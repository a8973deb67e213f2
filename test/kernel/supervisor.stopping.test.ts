/**
 * Conformance suite for runtime/kernel/supervisor.ts, part 3: stopping. Children stop in reverse
 * start order, one at a time, after the message in hand; one that ignores stop is abandoned after
 * `shutdownMs`; no child outlives its parent (issue #2).
 */
import { describe, expect, it } from 'vitest'
import { type Behavior, type Message, SUPERVISOR_DEFAULTS, supervisor } from '../../runtime/kernel/index.ts'
import { probe } from '../support/probe.ts'
import { ref, status, supervisorHarness } from './supervisorHarness.ts'

describe('Stopping', () => {
  it('children stop in reverse start order, one at a time', async () => {
    const { t, j, start, probes } = supervisorHarness()
    await start({ children: probes('a', 'b', 'c') })
    j.clear()
    await t.system.stop()
    expect(j.entries).toEqual(['stop:c', 'stop:b', 'stop:a'])
  })

  it('a child that ignores stop is abandoned after shutdownMs, its cleanups forced; the others still stop', async () => {
    const { t, j, start, child } = supervisorHarness()
    await start({
      children: [
        child('a', { cleanup: true }),
        child('stuck', { hangInStop: true, cleanup: true }, { shutdownMs: 2000 }),
      ],
    })
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
    const { t, j, start, probes } = supervisorHarness()
    await start({ children: probes('a') })
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
    const { t, j, start } = supervisorHarness()
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
    await start({ intensity: 5, children: [{ id: 'p', start: parent }] })
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
    const { t, j, start, child, boom } = supervisorHarness()
    const spawner: Behavior<null, Message> = {
      init: (ctx) => {
        ctx.spawn('job', probe('job', j, { cleanup: true }))
        return null
      },
      receive: (s) => s,
    }
    await start({
      intensity: 0,
      children: [
        { id: 'w', start: spawner },
        { id: 'inner', start: supervisor({ children: [child('x', { cleanup: true })] }) },
        child('a'),
      ],
    })
    await boom('/a')
    expect(t.fatal).toHaveLength(1)
    expect(j.of('cleanup')).toEqual(['cleanup:x:false', 'cleanup:job:false'])
    const d = t.system.describe()!
    const alive = (n: typeof d): string[] =>
      [n.status === 'running' ? n.path : '', ...n.children.flatMap(alive)].filter((x) => x !== '')
    expect(alive(d)).toEqual([])
  })
})
