/**
 * The `petal` CLI end to end, as a child process on the built output (issue #2): help and version,
 * `config check`, invalid config exits 78 with nothing started, a crashing petal restarts and is
 * marked failed past its budget while the process and its siblings run on, SIGTERM exits 0, a root
 * that gives up exits 70, and `--sim` comes up healthy.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CLI, type RuntimeProcess, startRuntimeProcess } from '../support/runtimeProcess.ts'
import { freePort } from '../support/servers/serverProcess.ts'

const running: RuntimeProcess[] = []
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL')
})

function start(args: string[], options?: { cwd?: string; env?: Record<string, string> }): RuntimeProcess {
  const r = startRuntimeProcess(args, options)
  running.push(r)
  return r
}

function cli(args: string[], cwd = process.cwd()) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, PETAL_LOG_TO_FILE: 'false' },
  })
}

function configDir(yaml: string): string {
  const d = mkdtempSync(join(tmpdir(), 'petal-e2e-'))
  writeFileSync(join(d, 'petal.yaml'), yaml)
  return d
}

const crashy = join(process.cwd(), 'test/fixtures/petals/crashy.mjs')

async function json(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, init)
  return { status: r.status, body: (await r.json()) as Record<string, unknown> }
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (ok(v) || Date.now() > deadline) return v
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('petal CLI', () => {
  it('--help works on every command, --version prints the version', () => {
    for (const args of [
      ['--help'],
      ['start', '--help'],
      ['config', '--help'],
      ['config', 'check', '--help'],
    ]) {
      const r = cli(args)
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/^Usage: petal/)
    }
    const v = cli(['--version'])
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('an unknown command or flag is a usage error (exit 2)', () => {
    expect(cli(['fly']).status).toBe(2)
    expect(cli(['start', '--http-port', 'abc']).status).toBe(2)
  })

  it('config check prints the resolved config as JSON', () => {
    const d = configDir(`enabled_petals: [petal-example]\n`)
    const r = cli(['config', 'check', '--config', join(d, 'petal.yaml')])
    expect(r.status, r.stderr).toBe(0)
    const resolved = JSON.parse(r.stdout) as {
      enabledPetals: string[]
      petals: { name: string; source: string }[]
    }
    expect(resolved.enabledPetals).toEqual(['petal-example'])
    expect(resolved.petals).toEqual([
      { name: 'petal-example', version: '1.0.0', source: 'shipped', startup: false, dependencies: [] },
    ])
  })

  it('invalid config: every error on stderr, exit 78, nothing started', async () => {
    const d = configDir(
      `enabled_proxies: [reddis]\nenabled_petals: [petal-crashy]\npetals:\n  petal-crashy: ./missing.mjs\n`,
    )
    const check = cli(['config', 'check', '--config', join(d, 'petal.yaml')])
    expect(check.status).toBe(78)
    expect(check.stderr).toContain('enabled_proxies.0: expected a proxy name')
    const r = start(['start', '--config', join(d, 'petal.yaml'), '--http-port', '0'])
    const { code } = await r.exited
    expect(code).toBe(78)
    expect(r.stderr()).toContain('nothing was started')
    expect(r.lines.filter((l) => l.event === 'ready')).toEqual([])
  })

  it('a bad PETAL_FAULTS is a config error (exit 78) naming what was expected; nothing started', async () => {
    const d = configDir('enabled_petals: [petal-example]\n')
    const bad = {
      'not JSON': ['{"points": ', 'PETAL_FAULTS: expected a JSON object {"seed": 7, "points": {"<point>"'],
      'unknown point': [
        '{"points": {"mailbox.dropp": {"p": 1}}}',
        "PETAL_FAULTS.points.mailbox.dropp: expected a fault point (mailbox.delay, mailbox.drop, actor.init.fail, proxy.call.fail, timer.late), found 'mailbox.dropp'",
      ],
      'p outside 0..1': [
        '{"points": {"mailbox.drop": {"p": 2}}}',
        'PETAL_FAULTS.points.mailbox.drop.p: expected a probability 0..1, found 2',
      ],
      'negative maxMs': [
        '{"points": {"timer.late": {"p": 0.1, "maxMs": -5}}}',
        'PETAL_FAULTS.points.timer.late.maxMs: expected a number of ms >= 0, found -5',
      ],
    }
    const runs = Object.entries(bad).map(([what, [value, message]]) => ({
      what,
      message: message!,
      r: start(['start', '--config', join(d, 'petal.yaml'), '--http-port', '0'], {
        env: { PETAL_FAULTS: value! },
      }),
    }))
    for (const { what, message, r } of runs) {
      const { code } = await r.exited
      expect(code, what).toBe(78)
      expect(r.stderr(), what).toContain(`petal: config error: env: ${message}`)
      expect(r.stderr(), what).toContain('nothing was started')
      expect(r.lines.filter((l) => l.event === 'ready')).toEqual([])
    }
  })

  it('PETAL_FAULTS arms fault points: one warn line lists them, /health/detailed counts them', async () => {
    const d = configDir('enabled_petals: [petal-example]\n')
    const plan = { seed: 7, points: { 'mailbox.delay': { p: 0.5, maxMs: 5, match: '/petals/' } } }
    const r = start(['start', '--config', join(d, 'petal.yaml'), '--http-port', '0'], {
      env: { PETAL_FAULTS: JSON.stringify(plan) },
    })
    const url = await r.ready
    const warn = r.lines.filter((l) => l.event === 'faults-armed')
    expect(warn).toHaveLength(1)
    expect(warn[0]).toMatchObject({ level: 40, seed: 7, faults: plan.points })
    expect(warn[0]!.msg).toBe(
      'fault injection armed (PETAL_FAULTS, seed 7): mailbox.delay p=0.5 maxMs=5 match=/petals/; for chaos runs only',
    )
    for (let i = 0; i < 10; i++) expect((await json(`${url}/petals/petal-example/status`)).status).toBe(200)
    const h = await json(`${url}/health/detailed`)
    expect(h.body.faults).toMatchObject({ armed: true, seed: 7, fired: { 'mailbox.drop': 0 } })
    expect((h.body.faults as { fired: Record<string, number> }).fired['mailbox.delay']).toBeGreaterThan(0)
    expect((h.body.process as { handles: number }).handles).toBeGreaterThan(0)
    r.child.kill('SIGTERM')
    expect((await r.exited).code).toBe(0)
  })

  it('a petal that does not load, or whose name differs from its key, is a config error (exit 78)', async () => {
    const d = configDir(
      `enabled_petals: [petal-broken, petal-renamed]\npetals:\n  petal-broken: ./broken.mjs\n  petal-renamed: ${crashy}\n`,
    )
    writeFileSync(join(d, 'broken.mjs'), 'throw new Error("cannot import me")\n')
    const r = cli(['config', 'check', '--config', join(d, 'petal.yaml')])
    expect(r.status).toBe(78)
    expect(r.stderr).toContain(
      'petals.petal-broken: expected a module exporting a petal made by definePetal, found cannot import me',
    )
    expect(r.stderr).toContain(
      "petals.petal-renamed: expected a petal named 'petal-renamed' (its config key), found name 'petal-crashy'",
    )
  })

  it('a crashing petal restarts, then is marked failed past its budget; the process and its siblings run on; SIGTERM exits 0', async () => {
    const d = configDir(
      [
        'enabled_petals: [petal-crashy, petal-example]',
        'petals:',
        `  petal-crashy: ${crashy}`,
        'supervision:',
        '  by_petal:',
        '    petal-crashy: { intensity: 2, period_ms: 60000, backoff: { min_ms: 20, max_ms: 50 } }',
        '',
      ].join('\n'),
    )
    const r = start(['start', '--config', join(d, 'petal.yaml'), '--http-port', '0'])
    const url = await r.ready
    expect(await json(`${url}/health`)).toEqual({ status: 200, body: { status: 'ok' } })

    const detail = () => json(`${url}/health/detailed`)
    const crashyState = (h: { body: Record<string, unknown> }) =>
      (h.body.actors as Record<string, { state: string; restarts: number; last_error: string | null }>)[
        '/petals/petal-crashy'
      ]!

    expect((await json(`${url}/petals/petal-crashy/crash`, { method: 'POST' })).body).toEqual({
      crashing: true,
    })
    let h = await until(detail, (x) => crashyState(x).restarts === 1 && crashyState(x).state === 'running')
    expect(crashyState(h)).toMatchObject({ state: 'running', restarts: 1, last_error: 'crash on command' })

    await json(`${url}/petals/petal-crashy/reject`, { method: 'POST' })
    h = await until(detail, (x) => crashyState(x).restarts === 2 && crashyState(x).state === 'running')
    expect(crashyState(h)).toMatchObject({ restarts: 2, last_error: 'stray rejection in petal code' })
    expect((await json(`${url}/petals/petal-crashy/hits`)).body).toEqual({ hits: 1, restarts: 2 })

    await json(`${url}/petals/petal-crashy/crash`, { method: 'POST' })
    h = await until(detail, (x) => crashyState(x).state === 'failed')
    expect(crashyState(h).state).toBe('failed')
    const petals = h.body.petals as { name: string; status: string }[]
    expect(petals.find((p) => p.name === 'petal-crashy')?.status).toBe('failed')
    expect(petals.find((p) => p.name === 'petal-example')?.status).toBe('loaded')
    expect(h.body.status).toBe('unhealthy')
    expect(await json(`${url}/petals/petal-crashy/hits`)).toEqual({
      status: 503,
      body: { error: { code: 'PETAL_UNAVAILABLE', message: 'petal-crashy is failed' } },
    })
    expect((await json(`${url}/petals/petal-example/status`)).status).toBe(200)

    const t0 = Date.now()
    r.child.kill('SIGTERM')
    expect((await r.exited).code).toBe(0)
    expect(Date.now() - t0).toBeLessThan(10_000)
    expect(r.lines.at(-1)?.msg).toBe('stopped')
  })

  it('when the root supervisor gives up the process exits 70 with one fatal log line', async () => {
    const blocker = createServer()
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', () => res()))
    const port = (blocker.address() as { port: number }).port
    try {
      const d = configDir(
        'supervision:\n  root: { intensity: 1, period_ms: 60000, backoff: { min_ms: 10, max_ms: 20 } }\n',
      )
      const r = start(['start', '--config', join(d, 'petal.yaml'), '--http-port', String(port)])
      const { code } = await r.exited
      expect(code).toBe(70)
      const fatal = r.lines.filter((l) => l.level === 60)
      expect(fatal).toHaveLength(1)
      expect(String(fatal[0]!.msg)).toMatch(/root supervisor gave up .*EADDRINUSE.*exiting with code 70/)
    } finally {
      blocker.close()
    }
  })

  it('petal start --sim comes up healthy with no external server', async () => {
    const d = mkdtempSync(join(tmpdir(), 'petal-sim-'))
    const r = start(['start', '--sim', '--http-port', '0'], {
      cwd: d,
      env: { PETAL_EMBEDDED_MQTT_PORT: String(await freePort()) },
    })
    const url = await r.ready
    // The embedded broker and the mqtt proxy connect just after the tree is up.
    const h = await until(
      () => json(`${url}/health/detailed`),
      (x) => x.body.status === 'healthy',
    )
    expect(h.body.status).toBe('healthy')
    expect((h.body.petals as { name: string; status: string }[]).every((p) => p.status === 'loaded')).toBe(
      true,
    )
    r.child.kill('SIGINT')
    expect((await r.exited).code).toBe(0)
  })
})

describe('petal start loads only what its configuration uses', () => {
  it('--sim loads no AWS SDK, ioredis, serialport, sql.js, piscina, Stately inspector, Swagger UI bundle or effect root index', async () => {
    const d = mkdtempSync(join(tmpdir(), 'petal-startup-'))
    const log = join(d, 'modules.txt')
    const recorder = join(process.cwd(), 'test/fixtures/startup/recordModules.mjs')
    const r = start(['start', '--sim', '--http-port', '0'], {
      cwd: d,
      env: {
        PETAL_EMBEDDED_MQTT_PORT: String(await freePort()),
        NODE_OPTIONS: `--import ${recorder}`,
        RECORD_MODULES_TO: log,
      },
    })
    await r.ready
    await r.waitFor((l) => typeof l.msg === 'string' && /mqtt.*connected/i.test(l.msg))
    const loaded = readFileSync(log, 'utf8')
    // The recorder sees what is in use: the embedded broker, mqtt, the MAVLink codec, fastify.
    for (const used of ['/aedes/', '/mqtt/', '/node-mavlink/', '/fastify/', '/effect/dist/esm/Schema.js'])
      expect(loaded, used).toContain(used)
    for (const unused of [
      '/@aws-sdk/',
      '/ioredis/',
      '/serialport/',
      '/sql.js/',
      '/piscina/',
      '/@statelyai/inspect/',
      'swagger-ui-bundle.js',
      '/effect/dist/esm/index.js',
    ])
      expect(loaded, unused).not.toContain(unused)
    r.child.kill('SIGINT')
    expect((await r.exited).code).toBe(0)
  })
})

describe('petal start --inspect', () => {
  it('relays the inspection stream to a Stately-inspector relay that @statelyai/inspect receivers read', async () => {
    const { createWebSocketReceiver } = await import('@statelyai/inspect')
    const d = mkdtempSync(join(tmpdir(), 'petal-inspect-'))
    const r = start(['start', '--sim', '--http-port', '0', '--inspect', '0'], {
      cwd: d,
      env: { PETAL_EMBEDDED_MQTT_PORT: String(await freePort()) },
    })
    await r.ready
    const line = await r.waitFor((l) => typeof l.inspect === 'string')
    const page = await fetch(String(line.inspect))
    expect(await page.text()).toContain('https://stately.ai/inspect')
    const wsUrl = String(line.inspect).replace('http://', 'ws://')
    const seen = await new Promise<{ type: string; sessionId: string; parentId?: string }[]>((resolve) => {
      const got: { type: string; sessionId: string; parentId?: string }[] = []
      createWebSocketReceiver({ server: wsUrl }).subscribe((e: unknown) => {
        got.push(e as { type: string; sessionId: string })
        if (got.some((x) => x.sessionId === '/petals/petal-example' && x.type === '@xstate.actor'))
          resolve(got)
      })
    })
    const actor = seen.find((x) => x.sessionId === '/petals/petal-example' && x.type === '@xstate.actor')
    expect(actor).toMatchObject({ type: '@xstate.actor', parentId: '/petals' })
    r.child.kill('SIGTERM')
    expect((await r.exited).code).toBe(0)
  })
})
