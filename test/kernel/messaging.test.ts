/**
 * Messaging between actors (runtime/kernel): tell and ask, replies and their failures, refs that
 * survive restarts, one message at a time, and sync receives that never touch a promise (issue #2).
 */
import { createHook } from 'node:async_hooks'
import { describe, expect, it } from 'vitest'
import {
  ActorFailed,
  AskTimeout,
  type Behavior,
  createActorSystem,
  NoReply,
  settle,
  supervisor,
} from '../../runtime/kernel/index.ts'
import { testSystem } from '../support/probe.ts'

type Msg =
  | { type: 'get' }
  | { type: 'add'; n: number }
  | { type: 'silent' }
  | { type: 'boom' }
  | { type: 'later' }

const counter: Behavior<number, Msg> = {
  init: () => 0,
  receive: (n, msg, ctx) => {
    switch (msg.type) {
      case 'get':
        ctx.reply(n)
        return n
      case 'add':
        return n + msg.n
      case 'silent':
        return n
      case 'boom':
        throw new Error('boom in handler')
      case 'later': {
        const reply = ctx.deferReply()
        setTimeout(() => reply?.resolve(`later:${n}`), 1)
        return n
      }
    }
  },
}

describe('tell and ask', () => {
  it('tell delivers in order; ask returns the reply', async () => {
    const system = createActorSystem()
    const c = await system.spawn('c', counter)
    for (let i = 1; i <= 10; i++) c.tell({ type: 'add', n: i })
    expect(await c.ask({ type: 'get' })).toBe(55)
  })

  it('a reply can be deferred and sent after receive returned', async () => {
    const system = createActorSystem()
    const c = await system.spawn('c', counter)
    c.tell({ type: 'add', n: 2 })
    expect(await c.ask({ type: 'later' })).toBe('later:2')
  })

  it('an ask the handler does not answer fails with NoReply', async () => {
    const system = createActorSystem()
    const c = await system.spawn('c', counter)
    await expect(c.ask({ type: 'silent' })).rejects.toBeInstanceOf(NoReply)
  })

  it('an ask whose handler fails is rejected with ActorFailed carrying the cause', async () => {
    const system = createActorSystem()
    await system.start(supervisor({ intensity: 5, children: [{ id: 'c', start: counter }] }))
    const c = system.lookup<Msg>('/c')!
    const err = await c.ask({ type: 'boom' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ActorFailed)
    expect((err as ActorFailed).cause).toMatchObject({ message: 'boom in handler' })
  })

  it('an ask without answer fails with AskTimeout after its time-out, on the system clock', async () => {
    const t = testSystem()
    const c = await t.system.spawn('c', {
      init: () => null,
      receive: (s: null, _m: Msg, ctx) => {
        ctx.deferReply()
        return s
      },
    })
    let outcome: unknown
    c.ask({ type: 'get' }, { timeoutMs: 250 }).catch((e: unknown) => {
      outcome = e
    })
    await t.tick(249)
    expect(outcome).toBeUndefined()
    await t.tick(1)
    expect(outcome).toBeInstanceOf(AskTimeout)
    expect((outcome as AskTimeout).message).toBe("no reply from /c to 'get' within 250 ms")
  })

  it('a ref survives restarts: the same ref reaches the next incarnation, with fresh state', async () => {
    const system = createActorSystem()
    await system.start(supervisor({ intensity: 5, children: [{ id: 'c', start: counter }] }))
    const c = system.lookup<Msg>('/c')!
    c.tell({ type: 'add', n: 7 })
    c.tell({ type: 'boom' })
    c.tell({ type: 'add', n: 1 })
    expect(await c.ask({ type: 'get' })).toBe(1)
    expect(system.lookup('/c')).toBe(c)
    expect(c.getSnapshot().restarts).toBe(1)
  })
})

describe('one message at a time', () => {
  it('an async receive holds the mailbox until it settles, so state is never raced', async () => {
    const system = createActorSystem()
    let active = 0
    let maxActive = 0
    const slow: Behavior<number, Msg> = {
      init: () => 0,
      receive: async (n, msg, ctx) => {
        if (msg.type === 'get') {
          ctx.reply(n)
          return n
        }
        active++
        maxActive = Math.max(maxActive, active)
        const before = n
        await new Promise((r) => setTimeout(r, 1))
        active--
        return before + 1
      },
    }
    const a = await system.spawn('a', slow)
    for (let i = 0; i < 20; i++) a.tell({ type: 'add', n: 1 })
    expect(await a.ask({ type: 'get' })).toBe(20)
    expect(maxActive).toBe(1)
  })

  it('sync receives create no promise; async ones do', async () => {
    const countPromises = async (behavior: Behavior<number, Msg>): Promise<number> => {
      const system = createActorSystem()
      const a = await system.spawn('a', behavior, { mailboxCapacity: 2000 })
      await settle()
      let promises = 0
      const hook = createHook({
        init: (_id, type) => {
          if (type === 'PROMISE') promises++
        },
      })
      hook.enable()
      for (let i = 0; i < 1000; i++) a.tell({ type: 'add', n: 1 })
      await new Promise<void>((r) => setImmediate(r))
      await new Promise<void>((r) => setImmediate(r))
      hook.disable()
      expect(await a.ask({ type: 'get' })).toBe(1000)
      return promises
    }
    const sync = await countPromises(counter)
    const asyncCount = await countPromises({
      ...counter,
      receive: async (n, m, c) => counter.receive(n, m, c),
    })
    expect(sync).toBeLessThan(10)
    expect(asyncCount).toBeGreaterThanOrEqual(1000)
  })
})
