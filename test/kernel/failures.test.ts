/**
 * Failure capture (runtime/kernel): throws, rejections, time limits, and failures from timers and
 * callbacks registered through the context all become the actor's failure, handled by its
 * supervisor; resources of the failed incarnation are released (issue #2).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Behavior, HandlerTimeout, type Message, supervisor } from '../../runtime/kernel/index.ts'
import { Journal, testSystem } from '../support/probe.ts'

type Msg = { type: 'arm' } | { type: 'get' }

async function supervised(t: ReturnType<typeof testSystem>, behavior: Behavior<unknown, Msg>, options = {}) {
  await t.system.start(supervisor({ intensity: 10, children: [{ id: 'a', start: behavior, options }] }))
  return t.system.lookup<Msg>('/a')!
}

describe('failure capture', () => {
  it('a throw in init fails the actor, which is restarted', async () => {
    const t = testSystem()
    let inits = 0
    const a = await supervised(t, {
      init: () => {
        if (++inits === 1) throw new Error('init failed')
        return null
      },
      receive: (s) => s,
    })
    await t.tick()
    expect(inits).toBe(2)
    expect(a.getSnapshot()).toMatchObject({ value: 'running', restarts: 1, lastError: 'init failed' })
  })

  it('a rejected async receive fails the actor', async () => {
    const t = testSystem()
    const a = await supervised(t, {
      init: () => null,
      receive: async () => {
        throw new Error('async boom')
      },
    })
    a.tell({ type: 'arm' })
    await t.tick()
    expect(a.getSnapshot()).toMatchObject({ restarts: 1, lastError: 'async boom' })
  })

  it('a throw from a ctx.setTimeout callback fails the actor; timers of the old incarnation never fire', async () => {
    const t = testSystem()
    const fired: string[] = []
    const a = await supervised(t, {
      init: (ctx) => {
        const gen = ctx.restarts
        ctx.setTimeout(() => fired.push(`late-${gen}`), 500)
        return null
      },
      receive: (s, _m, ctx) => {
        ctx.setTimeout(() => {
          throw new Error('timer boom')
        }, 100)
        return s
      },
    })
    a.tell({ type: 'arm' })
    await t.tick(100)
    expect(a.getSnapshot()).toMatchObject({ restarts: 1, lastError: 'timer boom' })
    await t.tick(1000)
    expect(fired).toEqual(['late-1'])
  })

  it('a throw in a ctx.setInterval tick fails the actor, and the interval stops with it', async () => {
    const t = testSystem()
    let ticks = 0
    const a = await supervised(t, {
      init: (ctx) => {
        if (ctx.restarts === 0) {
          ctx.setInterval(() => {
            if (++ticks === 3) throw new Error('tick 3')
          }, 10)
        }
        return null
      },
      receive: (s) => s,
    })
    await t.tick(100)
    expect(ticks).toBe(3)
    expect(a.getSnapshot()).toMatchObject({ restarts: 1, lastError: 'tick 3' })
  })

  it('a guarded callback that throws or rejects fails the actor; after a restart it is inert', async () => {
    const t = testSystem()
    let callback: ((x: string) => void) | undefined
    const a = await supervised(t, {
      init: (ctx) => {
        callback = ctx.guard(async (x: string) => {
          if (x === 'reject') throw new Error('callback rejected')
          if (x === 'throw') throw new Error('never reached: async')
        })
        return null
      },
      receive: (s) => s,
    })
    const first = callback!
    first('reject')
    await t.tick()
    expect(a.getSnapshot()).toMatchObject({ restarts: 1, lastError: 'callback rejected' })
    first('reject')
    await t.tick()
    expect(a.getSnapshot().restarts).toBe(1)
  })

  it('a tracked promise that rejects fails the actor', async () => {
    const t = testSystem()
    const a = await supervised(t, {
      init: (ctx) => {
        if (ctx.restarts === 0) ctx.track(Promise.reject(new Error('tracked')))
        return null
      },
      receive: (s) => s,
    })
    await t.tick()
    expect(a.getSnapshot()).toMatchObject({ restarts: 1, lastError: 'tracked' })
  })

  it('ctx.fail fails the actor at once', async () => {
    const t = testSystem()
    const a = await supervised(t, {
      init: () => null,
      receive: (s, _m, ctx) => {
        ctx.fail(new Error('told to fail'))
        return s
      },
    })
    a.tell({ type: 'arm' })
    await t.tick()
    expect(a.getSnapshot()).toMatchObject({ restarts: 1, lastError: 'told to fail' })
  })

  it('an async receive past receiveTimeoutMs fails with HandlerTimeout', async () => {
    const t = testSystem()
    const a = await supervised(
      t,
      { init: () => null, receive: () => new Promise<null>(() => {}) },
      { receiveTimeoutMs: 1000 },
    )
    a.tell({ type: 'arm' })
    await t.tick(999)
    expect(a.getSnapshot().restarts).toBe(0)
    await t.tick(1)
    expect(a.getSnapshot()).toMatchObject({ restarts: 1 })
    expect(a.getSnapshot().lastError).toMatch(/receive of 'arm' of \/a ran past its time limit of 1000 ms/)
  })

  it('an async init past initTimeoutMs fails with HandlerTimeout', async () => {
    const t = testSystem()
    let inits = 0
    const started = supervised(
      t,
      {
        init: () => {
          inits++
          return inits === 1 ? new Promise<null>(() => {}) : null
        },
        receive: (s) => s,
      },
      { initTimeoutMs: 300 },
    )
    await t.tick(300)
    const a = await started
    expect(inits).toBe(2)
    expect(a.getSnapshot().lastError).toBe(new HandlerTimeout('/a', 'init', 300).message)
  })

  it('cleanups run, newest first, when an incarnation fails and when the actor stops', async () => {
    const t = testSystem()
    const j = new Journal()
    const a = await supervised(t, {
      init: (ctx) => {
        ctx.onCleanup(() => j.push(`first-${ctx.restarts}`))
        ctx.onCleanup((forced) => j.push(`second-${ctx.restarts}-${forced}`))
        return null
      },
      receive: () => {
        throw new Error('x')
      },
    })
    a.tell({ type: 'arm' })
    await t.tick()
    await t.system.stop()
    expect(j.entries).toEqual(['second-0-false', 'first-0', 'second-1-false', 'first-1'])
  })
})

describe('process guards', () => {
  it('a stray unhandled rejection and a throw from a plain setTimeout in actor code fail that actor; the process lives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'petal-guards-'))
    const script = join(dir, 'guards.mts')
    const kernel = join(process.cwd(), 'runtime/kernel/index.ts')
    writeFileSync(
      script,
      `
import { createActorSystem, installProcessGuards, supervisor } from ${JSON.stringify(kernel)}
const logged = []
const log = { debug() {}, info() {}, warn() {}, error: (_f, m) => logged.push(m) }
installProcessGuards(log)
const system = createActorSystem({ logger: log })
const stray = {
  init: () => null,
  receive: (s, msg) => {
    if (msg.type === 'reject') Promise.reject(new Error('stray rejection'))
    if (msg.type === 'throw') setTimeout(() => { throw new Error('stray throw') }, 1)
    return s
  },
}
await system.start(supervisor({ intensity: 10, children: [{ id: 'stray', start: stray }] }))
const ref = system.lookup('/stray')
ref.tell({ type: 'reject' })
await new Promise((r) => setTimeout(r, 50))
ref.tell({ type: 'throw' })
await new Promise((r) => setTimeout(r, 50))
Promise.reject(new Error('owned by nobody'))
await new Promise((r) => setTimeout(r, 20))
console.log(JSON.stringify({ snapshot: ref.getSnapshot(), logged }))
await system.stop()
`,
    )
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      cwd: process.cwd(),
    })
    expect(r.status, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      snapshot: { restarts: number; lastError: string; value: string }
      logged: string[]
    }
    expect(out.snapshot).toMatchObject({ restarts: 2, lastError: 'stray throw', value: 'running' })
    expect(out.logged.some((l) => l.includes('actor /stray failed: stray rejection'))).toBe(true)
    expect(out.logged.some((l) => l.startsWith('unhandled rejection outside any actor'))).toBe(true)
  })
})

describe('children of a worker', () => {
  type Parent = { type: 'spawn' } | { type: 'terminated'; ref: unknown; reason: { kind: string } }
  it('a spawned child that fails is not restarted and does not fail its parent; a watching parent hears of it', async () => {
    const t = testSystem()
    const heard: string[] = []
    const child: Behavior<null, Message> = {
      init: () => null,
      receive: () => {
        throw new Error('child boom')
      },
    }
    const parent: Behavior<null, Parent> = {
      init: (ctx) => {
        const kid = ctx.spawn('kid', child)
        ctx.watch(kid as never)
        return null
      },
      receive: (s, msg) => {
        if (msg.type === 'terminated') heard.push(msg.reason.kind)
        return s
      },
    }
    await t.system.start(supervisor({ intensity: 0, children: [{ id: 'p', start: parent }] }))
    const kid = t.system.lookup('/p/kid')!
    kid.tell({ type: 'x' })
    await t.tick()
    expect(heard).toEqual(['failure'])
    expect(kid.getSnapshot().value).toBe('stopped')
    expect(t.system.lookup('/p')!.getSnapshot()).toMatchObject({ value: 'running', restarts: 0 })
    expect(t.fatal).toEqual([])
  })

  it('watching an actor that already ended delivers terminated at once', async () => {
    const t = testSystem()
    const heard: string[] = []
    await t.system.start(supervisor({ children: [] }))
    const gone = await t.system.spawn('gone', { init: () => null, receive: (s: null) => s })
    await gone.getSnapshot()
    await (t.system.lookup('/') as never as { ask: (m: unknown) => Promise<unknown> }).ask({
      type: 'terminate-child',
      id: 'gone',
    })
    await t.system.spawn('w', {
      init: (ctx) => {
        ctx.watch(gone as never)
        return null
      },
      receive: (s: null, msg: Message) => {
        heard.push(msg.type)
        return s
      },
    })
    await t.tick()
    expect(heard).toEqual(['terminated'])
  })
})
