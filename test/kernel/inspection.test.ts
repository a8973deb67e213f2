/**
 * Inspection (runtime/kernel/inspection.ts): events shaped as XState's InspectionEvent for every
 * actor, supervision events, existing actors announced to a new observer, XState machines fed
 * into the same bus (issue #2).
 */
import { describe, expect, it } from 'vitest'
import { createActor, createMachine } from 'xstate'
import {
  type Behavior,
  createActorSystem,
  type InspectionEvent,
  settle,
  supervisor,
} from '../../runtime/kernel/index.ts'

const echo: Behavior<number, { type: 'ping' } | { type: 'boom' }> = {
  init: () => 0,
  receive: (n, msg, ctx) => {
    if (msg.type === 'boom') throw new Error('inspected boom')
    ctx.reply(n + 1)
    return n + 1
  },
}

describe('inspection', () => {
  it('emits @xstate.actor, @xstate.event (with sourceRef) and @xstate.snapshot in XState shape', async () => {
    const system = createActorSystem()
    const events: InspectionEvent[] = []
    system.inspect((e) => events.push(e))
    const target = await system.spawn('target', echo)
    const caller = await system.spawn<null, { type: 'go' }>('caller', {
      init: () => null,
      receive: (s) => {
        target.tell({ type: 'ping' })
        return s
      },
    })
    caller.tell({ type: 'go' })
    await settle()
    const actorEvent = events.find(
      (e) => e.type === '@xstate.actor' && (e.actorRef as { id: string }).id === 'target',
    )
    expect(actorEvent).toMatchObject({ rootId: '/', actorRef: { sessionId: '/target', id: 'target' } })
    const delivery = events.find((e) => e.type === '@xstate.event' && e.event.type === 'ping') as Extract<
      InspectionEvent,
      { type: '@xstate.event' }
    >
    expect(delivery.sourceRef?.sessionId).toBe('/caller')
    expect(delivery.actorRef.sessionId).toBe('/target')
    const snap = events.find(
      (e) => e.type === '@xstate.snapshot' && e.actorRef.sessionId === '/target',
    ) as Extract<InspectionEvent, { type: '@xstate.snapshot' }>
    expect(snap.snapshot).toMatchObject({ status: 'active', value: 'running', context: 1 })
  })

  it('emits supervision events: failed, restart (with its delay), started, and escalated', async () => {
    const system = createActorSystem({ onFatal: () => {} })
    const kinds: string[] = []
    system.inspect((e) => {
      if (e.type === '@petal.supervision') kinds.push(`${e.kind}:${e.path}`)
    })
    await system.start(supervisor({ intensity: 1, children: [{ id: 'a', start: echo }] }))
    const a = system.lookup<{ type: 'boom' }>('/a')!
    a.tell({ type: 'boom' })
    await settle()
    a.tell({ type: 'boom' })
    await settle()
    expect(kinds).toEqual([
      'started:/a',
      'started:/',
      'failed:/a',
      'restart:/a',
      'started:/a',
      'failed:/a',
      'escalated:/',
      'failed:/',
      'stopped:/a',
    ])
  })

  it('announces the actors that already exist to a new observer', async () => {
    const system = createActorSystem()
    await system.start(supervisor({ children: [{ id: 'a', start: echo }] }))
    const seen: string[] = []
    system.inspect((e) => {
      if (e.type === '@xstate.actor') seen.push((e.actorRef as { sessionId: string }).sessionId)
    })
    expect(seen.sort()).toEqual(['/', '/a'])
  })

  it('XState machines given system.xstateInspect appear on the same bus', async () => {
    const system = createActorSystem()
    const types: string[] = []
    system.inspect((e) => types.push(e.type))
    const machine = createMachine({ initial: 'idle', states: { idle: { on: { GO: 'busy' } }, busy: {} } })
    const actor = createActor(machine, { inspect: system.xstateInspect }).start()
    actor.send({ type: 'GO' })
    expect(types).toContain('@xstate.actor')
    expect(types).toContain('@xstate.snapshot')
    expect(actor.getSnapshot().value).toBe('busy')
  })

  it('an observer that throws is dropped; the others keep receiving', async () => {
    const system = createActorSystem()
    let good = 0
    system.inspect(() => {
      throw new Error('bad observer')
    })
    system.inspect(() => {
      good++
    })
    await system.spawn('a', echo)
    const before = good
    await system.spawn('b', echo)
    expect(good).toBeGreaterThan(before)
  })
})

describe('machines started by actors', () => {
  it('ctx.inspect feeds an XState machine started inside an actor into the system bus', async () => {
    const system = createActorSystem()
    const types: string[] = []
    system.inspect((e) => types.push(e.type))
    const machine = createMachine({ initial: 'a', states: { a: { on: { NEXT: 'b' } }, b: {} } })
    await system.spawn<null, { type: 'go' }>('owner', {
      init: (ctx) => {
        const m = createActor(machine, { inspect: ctx.inspect, clock: ctx.clock }).start()
        m.send({ type: 'NEXT' })
        return null
      },
      receive: (s) => s,
    })
    expect(
      types.filter((t) => t === '@xstate.transition' || t === '@xstate.microstep').length,
    ).toBeGreaterThan(0)
  })
})
