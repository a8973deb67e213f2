/**
 * Guards `ActorContext.inspect` (kernel addition made for issue 3): XState machines started by an
 * actor with `inspect: ctx.inspect` appear to `system.inspect` observers beside kernel actors.
 */
import { describe, expect, it } from 'vitest'
import { createActor, createMachine } from 'xstate'
import {
  type Behavior,
  createActorSystem,
  type InspectionEvent,
  VirtualClock,
} from '../../runtime/kernel/index.ts'

const toggle = createMachine({
  id: 'toggle',
  initial: 'off',
  states: { off: { on: { FLIP: 'on' } }, on: {} },
})

const starter: Behavior<null, { type: 'go' }> = {
  init: () => null,
  receive: (s, _msg, ctx) => {
    const a = createActor(toggle, { inspect: ctx.inspect, clock: ctx.clock })
    a.start()
    a.send({ type: 'FLIP' })
    return s
  },
}

describe('ActorContext.inspect', () => {
  it('forwards an actor’s XState machines to the system’s observers', async () => {
    const system = createActorSystem({ clock: new VirtualClock() })
    const events: InspectionEvent[] = []
    system.inspect((e) => events.push(e))
    const ref = await system.spawn('starter', starter)
    ref.tell({ type: 'go' })
    await new Promise((r) => setImmediate(r))
    const ids = events
      .filter((e) => e.type === '@xstate.actor')
      .map(
        (e) =>
          (e.actorRef as { logic?: { id?: string }; id?: string }).logic?.id ??
          (e.actorRef as { id: string }).id,
      )
    expect(ids).toContain('toggle')
    expect(
      events.some(
        (e) => e.type === '@xstate.event' && (e as { event: { type: string } }).event.type === 'FLIP',
      ),
    ).toBe(true)
    await system.stop()
  })

  it('costs nothing visible without an observer', async () => {
    const system = createActorSystem({ clock: new VirtualClock() })
    const ref = await system.spawn('starter', starter)
    expect(ref.tell({ type: 'go' })).toBe(true)
    await system.stop()
  })
})
