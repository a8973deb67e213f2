/**
 * `actors/lazyBehavior.ts`: the behaviour's module loads with the actor's first start, not before;
 * restarts reuse it; a module that fails to load fails that start with the loader's own error and
 * the next start tries again.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { lazyBehavior } from '../../actors/lazyBehavior.ts'
import { type ActorSystem, type Behavior, createActorSystem, supervisor } from '../../runtime/kernel/index.ts'
import { until } from '../support/until.ts'

type Msg = { readonly type: 'count' } | { readonly type: 'crash' }

/** Counts `count` messages; `crash` fails it; every `init` and `stop` is noted in `log`. */
function counter(log: string[]): Behavior<number, Msg> {
  return {
    init: () => {
      log.push('init')
      return 0
    },
    receive: (n, msg, ctx) => {
      if (msg.type === 'crash') throw new Error('crash')
      ctx.reply(n + 1)
      return n + 1
    },
    stop: () => {
      log.push('stop')
    },
  }
}

const systems: ActorSystem[] = []
afterEach(async () => {
  for (const s of systems.splice(0)) await s.stop()
})

function system(): ActorSystem {
  const s = createActorSystem({})
  systems.push(s)
  return s
}

const fast = { minMs: 5, maxMs: 5, jitter: 0 }

describe('lazyBehavior', () => {
  it('loads the module when the actor first starts, then runs as the loaded behaviour', async () => {
    const log: string[] = []
    let loads = 0
    const b = lazyBehavior(async () => {
      loads++
      return counter(log)
    })
    expect(loads).toBe(0)
    const ref = await system().spawn('lazy', b)
    expect(loads).toBe(1)
    expect(ref.getSnapshot().value).toBe('running')
    expect(await ref.ask({ type: 'count' })).toBe(1)
    expect(await ref.ask({ type: 'count' })).toBe(2)
    expect(log).toEqual(['init'])
  })

  it('a restarted actor reuses the loaded module and its stop runs', async () => {
    const log: string[] = []
    let loads = 0
    const b = lazyBehavior(async () => {
      loads++
      return counter(log)
    })
    const s = system()
    await s.start(supervisor({ intensity: 5, backoff: fast, children: [{ id: 'lazy', start: b }] }))
    const ref = s.lookup<Msg>('/lazy')!
    ref.tell({ type: 'crash' })
    await until(
      () => ref.getSnapshot().restarts === 1 && ref.getSnapshot().value === 'running',
      2000,
      'the restart',
    )
    expect(await ref.ask({ type: 'count' })).toBe(1)
    expect(loads).toBe(1)
    expect(log).toEqual(['init', 'stop', 'init'])
  })

  it("a module that fails to load fails the start with the loader's error; the next start loads it again", async () => {
    const log: string[] = []
    let loads = 0
    const b = lazyBehavior(async () => {
      loads++
      if (loads === 1) {
        throw Object.assign(new Error("Cannot find package '@aws-sdk/client-s3'"), {
          code: 'ERR_MODULE_NOT_FOUND',
        })
      }
      return counter(log)
    })
    const failed = await system().spawn('lazy', b)
    expect(failed.getSnapshot().value).not.toBe('running')
    expect(failed.getSnapshot().lastError).toContain("Cannot find package '@aws-sdk/client-s3'")

    const s = system()
    loads = 0
    await s.start(supervisor({ intensity: 5, backoff: fast, children: [{ id: 'lazy', start: b }] }))
    const ref = s.lookup<Msg>('/lazy')!
    await until(() => ref.getSnapshot().value === 'running', 2000, 'the second start')
    expect(loads).toBe(2)
    expect(ref.getSnapshot().restarts).toBe(1)
    expect(await ref.ask({ type: 'count' })).toBe(1)
  })
})
