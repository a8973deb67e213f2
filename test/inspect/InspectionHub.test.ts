/**
 * The dashboard hub's streaming rules: a new client gets the current picture (each machine with
 * its latest snapshot); live events arrive in batches where a machine's snapshots coalesce to the
 * latest, at most 100 other events pass and the rest are counted in `@petal.skipped`; nothing is
 * lost from the picture, and a client far behind misses events instead of slowing the runtime.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createActor, createMachine } from 'xstate'
import { type HubClient, InspectionHub } from '../../runtime/inspect/InspectionHub.ts'
import { type ActorSystem, createActorSystem } from '../../runtime/kernel/index.ts'

const toggle = createMachine({
  id: 'toggle',
  initial: 'off',
  states: { off: { on: { FLIP: 'on' } }, on: { on: { FLIP: 'off' } } },
})

interface Seen {
  type: string
  sessionId?: string
  snapshot?: { value?: string }
  count?: number
}

class Client implements HubClient {
  readonly seen: Seen[] = []
  bufferedAmount = 0
  send(text: string): void {
    this.seen.push(JSON.parse(text) as Seen)
  }
}

let system: ActorSystem
let hub: InspectionHub
afterEach(async () => {
  hub.close()
  await system.stop()
})

const batch = () => new Promise((r) => setTimeout(r, 120))

describe('InspectionHub', () => {
  it('gives a new client every machine with its latest snapshot', async () => {
    system = createActorSystem()
    hub = new InspectionHub(system, async () => ({}), undefined)
    const m = createActor(toggle, { inspect: system.xstateInspect }).start()
    for (let i = 0; i < 3; i++) m.send({ type: 'FLIP' })
    const c = new Client()
    await hub.attach(c)
    const actor = c.seen.find((e) => e.type === '@xstate.actor' && e.sessionId === m.sessionId)
    expect(actor).toBeDefined()
    const snaps = c.seen.filter((e) => e.type === '@xstate.snapshot' && e.sessionId === m.sessionId)
    expect(snaps.map((s) => s.snapshot?.value)).toEqual(['on'])
    expect(c.seen.at(-1)?.type).toBe('@petal.tree')
  })

  it('coalesces snapshots, caps other events per batch and counts what it left out', async () => {
    system = createActorSystem()
    hub = new InspectionHub(system, async () => ({}), undefined)
    const c = new Client()
    await hub.attach(c)
    c.seen.length = 0
    const m = createActor(toggle, { inspect: system.xstateInspect }).start()
    for (let i = 0; i < 1001; i++) m.send({ type: 'FLIP' })
    await batch()
    const mine = c.seen.filter((e) => e.sessionId === m.sessionId)
    expect(mine.filter((e) => e.type === '@xstate.actor')).toHaveLength(1)
    const snaps = mine.filter((e) => e.type === '@xstate.snapshot')
    expect(snaps.map((s) => s.snapshot?.value)).toEqual(['on'])
    const events = mine.filter((e) => e.type === '@xstate.event')
    expect(events).toHaveLength(100)
    const skipped = c.seen.filter((e) => e.type === '@petal.skipped')
    expect(skipped).toHaveLength(1)
    // 1002 events (the init event and 1001 FLIPs) and 1002 snapshots were heard; 100 + 1 sent.
    expect(skipped[0]!.count).toBe(1002 - 100 + (1002 - 1))
    expect(hub.skipped).toBe(skipped[0]!.count)

    m.send({ type: 'FLIP' })
    await batch()
    expect(c.seen.filter((e) => e.type === '@xstate.snapshot').at(-1)?.snapshot?.value).toBe('off')
  })

  it('drops events for a client that is too far behind, and keeps serving the others', async () => {
    system = createActorSystem()
    hub = new InspectionHub(system, async () => ({}), undefined)
    const slow = new Client()
    const fast = new Client()
    await hub.attach(slow)
    await hub.attach(fast)
    slow.bufferedAmount = 2 * 1024 * 1024
    slow.seen.length = 0
    const m = createActor(toggle, { inspect: system.xstateInspect }).start()
    m.send({ type: 'FLIP' })
    await batch()
    expect(slow.seen).toEqual([])
    expect(fast.seen.some((e) => e.type === '@xstate.snapshot' && e.sessionId === m.sessionId)).toBe(true)
    expect(hub.dropped).toBeGreaterThan(0)
  })
})
