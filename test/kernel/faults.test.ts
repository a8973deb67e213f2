/**
 * Fault points (runtime/kernel/faults.ts, issue 7 item 1): each point fires with p = 1 (a delay seen
 * on the virtual clock, a drop counted as a dead letter, an init failure restarted by the
 * supervisor, a failed call with the caller's error, a late timer), `match` aims it, p = 0 and an
 * unarmed system never fire, supervisors are never subject, and a seed replays the same decisions.
 */
import { describe, expect, it } from 'vitest'
import {
  type ActorRef,
  type Behavior,
  createActorSystem,
  FAULT_POINT_NAMES,
  type FaultPlan,
  Faults,
  faultPlanProblems,
  type Message,
  MessageDropped,
  type SupervisorMsg,
  settle,
  startChild,
  supervisor,
  VirtualClock,
} from '../../runtime/kernel/index.ts'

type Msg = { type: 'note'; n: number } | { type: 'get' }

/** An actor recording each `note` with the virtual time it was handled. */
function recorder(seen: { n: number; at: number }[]): Behavior<null, Msg> {
  return {
    init: () => null,
    receive: (s, msg, ctx) => {
      if (msg.type === 'note') seen.push({ n: msg.n, at: ctx.clock.now() })
      else ctx.reply(seen.length)
      return s
    },
  }
}

function armed(points: FaultPlan['points'], seed = 7) {
  const clock = new VirtualClock()
  const system = createActorSystem({ clock, seed: 1, faults: { seed, points } })
  const tick = async (ms = 0) => {
    await settle()
    await clock.advanceAsync(ms)
    await settle()
  }
  return { clock, system, tick, faults: system.faults! }
}

describe('fault points', () => {
  it('mailbox.delay p=1 delivers a message 1..maxMs ms late, on the virtual clock', async () => {
    const { system, tick, faults } = armed({ 'mailbox.delay': { p: 1, maxMs: 50 } })
    const seen: { n: number; at: number }[] = []
    const a = await system.spawn('a', recorder(seen))
    expect(a.tell({ type: 'note', n: 1 })).toBe(true)
    await tick(0)
    expect(seen).toEqual([])
    await tick(50)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.at).toBeGreaterThanOrEqual(1)
    expect(seen[0]!.at).toBeLessThanOrEqual(50)
    expect(faults.fired['mailbox.delay']).toBe(1)
  })

  it('mailbox.drop p=1 drops a message as a dead letter with reason fault; an ask fails with MessageDropped', async () => {
    const { system, tick, faults } = armed({ 'mailbox.drop': { p: 1 } })
    const seen: { n: number; at: number }[] = []
    const a = await system.spawn('a', recorder(seen))
    expect(a.tell({ type: 'note', n: 1 })).toBe(false)
    const asked = a.ask({ type: 'get' })
    await expect(asked).rejects.toBeInstanceOf(MessageDropped)
    await expect(asked).rejects.toMatchObject({ code: 'MESSAGE_DROPPED' })
    await tick(1000)
    expect(seen).toEqual([])
    expect(system.deadLetters.byReason.fault).toBe(2)
    expect(system.deadLetters.count).toBe(2)
    expect(faults.fired['mailbox.drop']).toBe(2)
  })

  it('actor.init.fail p=1 fails init before it runs; the supervisor restarts the actor until its budget is spent', async () => {
    const { system, tick, faults } = armed({ 'actor.init.fail': { p: 1, match: '/flaky' } })
    let inits = 0
    const counting: Behavior<null, Message> = {
      init: () => {
        inits++
        return null
      },
      receive: (s) => s,
    }
    await system.start(
      supervisor({
        intensity: 3,
        periodMs: 60_000,
        backoff: { minMs: 10, maxMs: 10, jitter: 0 },
        children: [
          { id: 'flaky', start: counting },
          { id: 'steady', start: recorder([]) },
        ],
      }),
    )
    const flaky = system.lookup('/flaky')!
    await tick(5)
    expect(flaky.getSnapshot()).toMatchObject({ value: 'restarting', restarts: 0 })
    expect(flaky.getSnapshot().lastError).toBe('fault injected at actor.init.fail for /flaky')
    await tick(10)
    expect(flaky.getSnapshot().restarts).toBe(1)
    expect(faults.fired['actor.init.fail']).toBe(2)
    expect(inits).toBe(0)
    expect(system.lookup('/steady')!.getSnapshot().value).toBe('running')
  })

  it('actor.init.fail p=0.5: failed inits are restarted until one passes; restarts equal the faults fired', async () => {
    const { system, tick, faults } = armed({ 'actor.init.fail': { p: 0.5 } }, 3)
    await system.start(
      supervisor({ intensity: 100, backoff: { minMs: 1, maxMs: 1, jitter: 0 }, children: [] }),
    )
    const refs: ActorRef<Msg>[] = []
    for (let i = 0; i < 8; i++) {
      refs.push(await system.startChild<Msg>({ id: `w${i}`, start: recorder([]), restart: 'permanent' }))
    }
    await tick(100)
    const restarts = refs.reduce((n, r) => n + r.getSnapshot().restarts, 0)
    expect(refs.every((r) => r.getSnapshot().value === 'running')).toBe(true)
    expect(faults.fired['actor.init.fail']).toBeGreaterThan(0)
    expect(restarts).toBe(faults.fired['actor.init.fail'])
  })

  it('timer.late p=1 fires a context timer 1..maxMs ms late, and each interval tick late', async () => {
    const { system, tick, clock, faults } = armed({ 'timer.late': { p: 1, maxMs: 30 } })
    const fired: number[] = []
    const ticks: number[] = []
    await system.spawn('t', {
      init: (ctx) => {
        ctx.setTimeout(() => fired.push(clock.now()), 100)
        ctx.setInterval(() => ticks.push(clock.now()), 1000)
        return null
      },
      receive: (s) => s,
    })
    await tick(100)
    expect(fired).toEqual([])
    await tick(30)
    expect(fired).toHaveLength(1)
    expect(fired[0]!).toBeGreaterThan(100)
    expect(fired[0]!).toBeLessThanOrEqual(130)
    await tick(3200)
    expect(ticks).toHaveLength(3)
    let prev = 0
    for (const at of ticks) {
      expect(at - prev).toBeGreaterThan(1000)
      expect(at - prev).toBeLessThanOrEqual(1030)
      prev = at
    }
    expect(faults.fired['timer.late']).toBe(1 + 4)
  })

  it('proxy.call.fail p=1 fails asks through the wrapped ref with the caller-given error; tells pass', async () => {
    const { system, tick, faults } = armed({ 'proxy.call.fail': { p: 1, match: 'redis' } })
    const seen: { n: number; at: number }[] = []
    const a = await system.spawn('a', recorder(seen))
    const unavailable = () => Object.assign(new Error('redis is unavailable'), { code: 'PROXY_UNAVAILABLE' })
    const viaRedis = faults.callsTo(a, 'redis', unavailable)
    const viaDb = faults.callsTo(a, 'db', unavailable)
    await expect(viaRedis.ask({ type: 'get' })).rejects.toMatchObject({ code: 'PROXY_UNAVAILABLE' })
    expect(viaRedis.tell({ type: 'note', n: 1 })).toBe(true)
    await tick()
    expect(seen.map((s) => s.n)).toEqual([1])
    expect(await viaDb.ask({ type: 'get' })).toBe(1)
    expect(viaRedis.path).toBe('/a')
    expect(faults.fired['proxy.call.fail']).toBe(1)
  })

  it('match aims a point: only actors whose path contains it are delayed', async () => {
    const { system, tick, faults } = armed({ 'mailbox.delay': { p: 1, maxMs: 50, match: '/petals/' } })
    await system.start(supervisor({ children: [{ id: 'petals', start: supervisor({ children: [] }) }] }))
    const petalSeen: { n: number; at: number }[] = []
    const otherSeen: { n: number; at: number }[] = []
    const petal = await startChild<Msg>(system.lookup<SupervisorMsg>('/petals')!, {
      id: 'petal-x',
      start: recorder(petalSeen),
    })
    const other = await system.spawn('other', recorder(otherSeen))
    petal.tell({ type: 'note', n: 1 })
    other.tell({ type: 'note', n: 2 })
    await tick(0)
    expect(otherSeen.map((s) => s.n)).toEqual([2])
    expect(petalSeen).toEqual([])
    await tick(50)
    expect(petalSeen.map((s) => s.n)).toEqual([1])
    expect(faults.fired['mailbox.delay']).toBe(1)
  })

  it('supervisors are never subject: with every point at p=1 a supervisor still starts, adds and restarts children on time', async () => {
    const all = Object.fromEntries(FAULT_POINT_NAMES.map((n) => [n, { p: 1 }])) as FaultPlan['points']
    const { system, tick, faults } = armed({ ...all, 'actor.init.fail': { p: 1, match: '/nobody' } })
    let inits = 0
    const failsOnce: Behavior<null, Msg> = {
      init: () => {
        if (++inits === 1) throw new Error('first init fails')
        return null
      },
      receive: (s) => s,
    }
    await system.start(
      supervisor({
        backoff: { minMs: 5, maxMs: 5, jitter: 0 },
        children: [{ id: 'once', start: failsOnce }],
      }),
    )
    const ref = await system.startChild<Msg>({ id: 'w', start: recorder([]) })
    expect(ref.getSnapshot().value).toBe('running')
    await tick(4)
    expect(system.lookup('/once')!.getSnapshot()).toMatchObject({ value: 'restarting', restarts: 0 })
    await tick(1)
    expect(system.lookup('/once')!.getSnapshot()).toMatchObject({ value: 'running', restarts: 1 })
    expect(faults.fired['mailbox.delay'] + faults.fired['mailbox.drop']).toBe(0)
    expect(faults.fired['timer.late']).toBe(0)
  })

  it('p=0 never fires, and an unarmed system has no fault plan at all', async () => {
    const zero = Object.fromEntries(FAULT_POINT_NAMES.map((n) => [n, { p: 0 }])) as FaultPlan['points']
    const { system, tick, faults } = armed(zero)
    const seen: { n: number; at: number }[] = []
    const a = await system.spawn('a', recorder(seen))
    for (let n = 0; n < 100; n++) a.tell({ type: 'note', n })
    await tick(0)
    expect(seen).toHaveLength(100)
    expect(seen.every((s) => s.at === 0)).toBe(true)
    for (let i = 0; i < 100; i++) expect(faults.fires('proxy.call.fail', 'redis')).toBe(false)
    expect(Object.values(faults.fired)).toEqual([0, 0, 0, 0, 0])
    expect(system.deadLetters.count).toBe(0)
    expect(createActorSystem({ clock: new VirtualClock() }).faults).toBeNull()
  })

  it('the same seed replays the same decisions; another seed gives others', async () => {
    const plan = (seed: number): FaultPlan => ({
      seed,
      points: { 'mailbox.drop': { p: 0.3 }, 'mailbox.delay': { p: 0.3, maxMs: 20 } },
    })
    const run = async (seed: number) => {
      const clock = new VirtualClock()
      const system = createActorSystem({ clock, faults: plan(seed) })
      const seen: { n: number; at: number }[] = []
      const a = await system.spawn('a', recorder(seen))
      for (let n = 0; n < 60; n++) a.tell({ type: 'note', n })
      await settle()
      await clock.advanceAsync(100)
      return { seen, fired: { ...system.faults!.fired } }
    }
    const first = await run(7)
    const again = await run(7)
    const other = await run(8)
    expect(again).toEqual(first)
    expect(first.fired['mailbox.drop']).toBeGreaterThan(0)
    expect(first.fired['mailbox.delay']).toBeGreaterThan(0)
    expect(first.seen.length).toBe(60 - first.fired['mailbox.drop'])
    expect(other.seen).not.toEqual(first.seen)
  })

  it('each point draws from its own stream: arming another point does not shift its decisions', () => {
    const decisions = (points: FaultPlan['points']) => {
      const f = new Faults({ seed: 11, points }, 0)
      return Array.from({ length: 50 }, () => f.fires('mailbox.drop', '/a'))
    }
    const alone = decisions({ 'mailbox.drop': { p: 0.5 } })
    expect(decisions({ 'mailbox.drop': { p: 0.5 }, 'timer.late': { p: 0.5 } })).toEqual(alone)
    expect(alone.filter(Boolean).length).toBeGreaterThan(10)
    expect(alone.filter(Boolean).length).toBeLessThan(40)
  })

  it('without a seed the plan draws from the system seed, and reports it', () => {
    const system = createActorSystem({ seed: 42, faults: { points: { 'timer.late': { p: 1 } } } })
    expect(system.faults!.report()).toEqual({
      armed: true,
      seed: 42,
      fired: {
        'mailbox.delay': 0,
        'mailbox.drop': 0,
        'actor.init.fail': 0,
        'proxy.call.fail': 0,
        'timer.late': 0,
      },
    })
    expect(system.faults!.describe()).toBe('timer.late p=1 maxMs=100')
  })

  it('a bad plan names each problem; the system refuses it', () => {
    expect(
      faultPlanProblems({
        seed: 1.5,
        points: { 'mailbox.dely': { p: 1 }, 'timer.late': { p: 2, maxMs: -1, match: 3, every: 1 } },
      }),
    ).toEqual([
      { key: 'seed', expected: 'an integer', found: '1.5' },
      {
        key: 'points.mailbox.dely',
        expected: 'a fault point (mailbox.delay, mailbox.drop, actor.init.fail, proxy.call.fail, timer.late)',
        found: "'mailbox.dely'",
      },
      { key: 'points.timer.late.every', expected: 'only p, maxMs and match', found: 'every' },
      { key: 'points.timer.late.p', expected: 'a probability 0..1', found: '2' },
      { key: 'points.timer.late.maxMs', expected: 'a number of ms >= 0', found: '-1' },
      { key: 'points.timer.late.match', expected: 'a string', found: '3' },
    ])
    expect(faultPlanProblems([])).toEqual([{ key: '', expected: 'an object { seed?, points }', found: '[]' }])
    expect(() => createActorSystem({ faults: { points: { 'mailbox.drop': { p: -0.1 } } } })).toThrow(
      'fault plan: points.mailbox.drop.p: expected a probability 0..1, found -0.1',
    )
  })
})
