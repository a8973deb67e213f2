/**
 * Fault points in the host (issue 7 item 1): `PETAL_FAULTS` arms the plan at start with one `warn`
 * line listing it; `proxy.call.fail` fails a petal's call through its proxy facade with the typed
 * `ProxyUnavailable` (the host's own facade is not subject); `/health/detailed` shows the seed and
 * how often each point fired, and always the process figures. Uses the local DB proxy (no server).
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { LocalDbFacade } from '../../../actors/localdb/LocalDbFacade.ts'
import { detailedHealth } from '../../../runtime/health/detailedHealth.ts'
import { startTestRuntime, type TestRuntime } from '../../support/runtime.ts'

const sdk = JSON.stringify(join(process.cwd(), 'runtime/index.ts'))
const callerPetal = `import { definePetal } from ${sdk}
export default definePetal({
  name: 'petal-caller', version: '1.0.0', requires: ['db'], init: () => null,
  http: {
    'GET /q': async (_req, _s, ctx) => {
      try {
        const row = await ctx.proxy('db').fetchOne('SELECT 41 + 1 AS answer')
        return { ok: true, answer: row.answer }
      } catch (e) {
        return { ok: false, name: e.name, code: e.code, proxy: e.proxy, message: e.message }
      }
    },
  },
})
`
const yaml = 'enabled_proxies: [db]\nenabled_petals: [petal-caller]\npetals:\n  petal-caller: ./caller.mts\n'

let rt: TestRuntime | undefined
afterEach(async () => {
  await rt?.stop()
  rt = undefined
})

async function call(): Promise<Record<string, unknown>> {
  const r = await fetch(`${rt!.handle.httpUrl}/petals/petal-caller/q`)
  return (await r.json()) as Record<string, unknown>
}

describe('fault points in the host', () => {
  it("proxy.call.fail p=1 fails a petal's proxy call with ProxyUnavailable; health counts it; the host's own calls pass", async () => {
    const plan = { seed: 7, points: { 'proxy.call.fail': { p: 1, match: 'db' } } }
    rt = await startTestRuntime({
      yaml,
      env: { PETAL_FAULTS: JSON.stringify(plan) },
      files: { 'caller.mts': callerPetal },
    })
    const warn = rt.logs.filter((l) => l.level === 'warn' && l.message.startsWith('fault injection armed'))
    expect(warn).toHaveLength(1)
    expect(warn[0]!.message).toBe(
      'fault injection armed (PETAL_FAULTS, seed 7): proxy.call.fail p=1 match=db; for chaos runs only',
    )

    expect(await call()).toEqual({
      ok: false,
      name: 'ProxyUnavailable',
      code: 'PROXY_UNAVAILABLE',
      proxy: 'db',
      message: 'db is unavailable: fault injected (proxy.call.fail)',
    })
    expect(await call()).toMatchObject({ ok: false, code: 'PROXY_UNAVAILABLE' })
    const own = rt.handle.host.facade('db') as LocalDbFacade
    expect(await own.fetchOne('SELECT 1 AS one')).toEqual({ one: 1 })

    const health = await detailedHealth(rt.handle.host.healthSources())
    expect(health.faults).toEqual({
      armed: true,
      seed: 7,
      fired: {
        'mailbox.delay': 0,
        'mailbox.drop': 0,
        'actor.init.fail': 0,
        'proxy.call.fail': 2,
        'timer.late': 0,
      },
    })
    expect(health.actors).toMatchObject({ '/petals/petal-caller': { state: 'running', restarts: 0 } })
  })

  it('match aims proxy.call.fail at other proxies: calls to db pass', async () => {
    const plan = { seed: 7, points: { 'proxy.call.fail': { p: 1, match: 'redis' } } }
    rt = await startTestRuntime({
      yaml,
      env: { PETAL_FAULTS: JSON.stringify(plan) },
      files: { 'caller.mts': callerPetal },
    })
    expect(await call()).toEqual({ ok: true, answer: 42 })
    const health = await detailedHealth(rt.handle.host.healthSources())
    expect((health.faults as { fired: Record<string, number> }).fired['proxy.call.fail']).toBe(0)
  })

  it('unarmed: no warn line, calls pass, no faults section; the process section is always there', async () => {
    rt = await startTestRuntime({ yaml, env: {}, files: { 'caller.mts': callerPetal } })
    expect(rt.logs.some((l) => l.message.startsWith('fault injection armed'))).toBe(false)
    expect(rt.handle.system.faults).toBeNull()
    expect(await call()).toEqual({ ok: true, answer: 42 })
    const health = await detailedHealth(rt.handle.host.healthSources())
    expect('faults' in health).toBe(false)
    const proc = health.process as Record<string, number>
    expect(Object.keys(proc).sort()).toEqual(['handles', 'heap_used_bytes', 'rss_bytes', 'uptime_s'])
    expect(proc.rss_bytes).toBeGreaterThan(proc.heap_used_bytes!)
    expect(proc.heap_used_bytes).toBeGreaterThan(1_000_000)
    expect(Number.isInteger(proc.handles)).toBe(true)
    expect(proc.handles).toBeGreaterThan(0)
    expect(proc.uptime_s).toBeGreaterThan(0)
  })
})
