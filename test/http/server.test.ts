/**
 * The HTTP API (runtime/http/) through fastify `inject`: health shapes, petal routes, the control
 * API applied live with the original's validation and messages, the token rule, CORS, body limits,
 * error shapes, and the OpenAPI document (issue #6).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startTestRuntime, type TestRuntime } from '../support/testRuntime.ts'

const sdk = JSON.stringify(join(process.cwd(), 'runtime/index.ts'))
const routesPetal = `import { definePetal, HttpError } from ${sdk}
export default definePetal({
  name: 'petal-routes', version: '3.1.4', requires: [],
  init: () => ({ items: {} }),
  http: {
    'GET /items/:id': (req, s) => { const v = s.items[req.params.id]; if (v === undefined) throw new HttpError(404, 'NO_ITEM', 'no item ' + req.params.id); return v },
    'PUT /items/:id': (req, s, ctx) => { ctx.setState({ items: { ...s.items, [req.params.id]: req.body } }); return { stored: req.params.id } },
    'GET /echo': (req) => ({ query: req.query }),
  },
})
`
const needyPetal = `import { definePetal } from ${sdk}
export default definePetal({ name: 'petal-needy', version: '1.0.0', requires: ['redis'], init: () => null })
`

let rt: TestRuntime | undefined
afterEach(async () => {
  await rt?.stop()
  rt = undefined
})

async function start(yaml: string, env: Record<string, string> = {}) {
  rt = await startTestRuntime(yaml, { env, files: { 'routes.mts': routesPetal, 'needy.mts': needyPetal } })
  return rt
}

const baseYaml =
  '# the operator keeps notes here\nenabled_petals: [petal-routes] # routes\npetals:\n  petal-routes: ./routes.mts\n  petal-needy: ./needy.mts\n'

describe('health routes', () => {
  it('/health, /health/detailed and /health/overview answer with their shapes', async () => {
    const { app } = await start(baseYaml, { PETAL_ORGANIZATION_ID: 'org-42' })
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' })
    const detailed = (await app.inject('/health/detailed')).json()
    expect(detailed).toMatchObject({
      status: 'healthy',
      version: '9.9.9',
      proxies: {},
      dead_letters: { total: 0, fault: 0 },
      process: {
        rss_bytes: expect.any(Number),
        heap_used_bytes: expect.any(Number),
        handles: expect.any(Number),
        uptime_s: expect.any(Number),
      },
    })
    expect(detailed.process.handles).toBeGreaterThan(0)
    expect(detailed).not.toHaveProperty('faults')
    expect(detailed.actors['/petals/petal-routes']).toMatchObject({
      kind: 'worker',
      state: 'running',
      restarts: 0,
      last_error: null,
    })
    expect(detailed.actors['/control']).toMatchObject({ state: 'running' })
    const overview = (await app.inject('/health/overview')).json()
    expect(overview).toMatchObject({
      title: 'Petal App Manager',
      component_name: 'petal_app_manager',
      status: 'healthy',
      message: 'Good conditions',
      services: [
        {
          title: 'Organization Manager',
          component_name: 'organization_manager',
          status: 'healthy',
          message: 'Organization management operational',
          timestamp: expect.any(String),
        },
      ],
      petal_versions: { petal_routes: '3.1.4', petal_leafsdk: 'not installed' },
    })
    expect(overview.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
    expect(overview.petals).toEqual([
      {
        name: 'petal-routes',
        status: 'loaded',
        version: '3.1.4',
        is_startup_petal: false,
        load_time: expect.any(String),
        error: null,
      },
    ])
  })
})

describe('petal routes', () => {
  it('route params, bodies, queries, HttpError statuses and 404s', async () => {
    const { app } = await start(baseYaml)
    expect(
      (await app.inject({ method: 'PUT', url: '/petals/petal-routes/items/a1', payload: { x: 1 } })).json(),
    ).toEqual({
      stored: 'a1',
    })
    expect((await app.inject('/petals/petal-routes/items/a1')).json()).toEqual({ x: 1 })
    const missing = await app.inject('/petals/petal-routes/items/zz')
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ error: { code: 'NO_ITEM', message: 'no item zz' } })
    expect((await app.inject('/petals/petal-routes/echo?a=1&b=2')).json()).toEqual({
      query: { a: '1', b: '2' },
    })
    expect((await app.inject('/petals/petal-routes/nope')).json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route GET /nope in petal-routes' },
    })
    expect((await app.inject('/petals/petal-ghost/x')).statusCode).toBe(404)
  })
})

describe('errors and limits', () => {
  it('unknown routes, malformed JSON and bodies over 1 MiB answer { error: { code, message } }', async () => {
    const { app } = await start(baseYaml)
    expect((await app.inject('/nowhere')).json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route GET /nowhere' },
    })
    const bad = await app.inject({
      method: 'POST',
      url: '/api/petal-proxies-control/petals/control',
      headers: { 'content-type': 'application/json' },
      payload: '{"petals": [',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('VALIDATION_ERROR')
    const big = await app.inject({
      method: 'PUT',
      url: '/petals/petal-routes/items/big',
      payload: { blob: 'x'.repeat(1024 * 1024 + 10) },
    })
    expect(big.statusCode).toBe(413)
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE')
  })
})

describe('control API', () => {
  const control = (app: TestRuntime['app'], kind: 'petals' | 'proxies', payload: unknown) =>
    app.inject({
      method: 'POST',
      url: `/api/petal-proxies-control/${kind}/control`,
      payload: payload as object,
    })

  it("validates with the original's messages", async () => {
    const { app } = await start(baseYaml)
    expect((await control(app, 'petals', { petals: [], action: 'ON' })).json()).toEqual({
      error: { code: 'VALIDATION_ERROR', message: 'At least one petal name must be provided' },
    })
    expect((await control(app, 'proxies', { petals: [], action: 'ON' })).json().error.message).toBe(
      'At least one proxy name must be provided',
    )
    expect(
      (await control(app, 'petals', { petals: ['petal-routes'], action: 'MAYBE' })).json().error.message,
    ).toBe("Action must be either 'ON' or 'OFF'")
    expect((await control(app, 'petals', { action: 5 })).statusCode).toBe(400)
    for (const body of [[], 'ON', null]) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/petal-proxies-control/proxies/control',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      })
      expect(r.statusCode).toBe(400)
      expect(r.json()).toEqual({ error: { code: 'VALIDATION_ERROR', message: 'body must be object' } })
    }
  })

  it('switches a petal off and on live, and rewrites the YAML keeping its comments', async () => {
    const { app, configPath } = await start(baseYaml)
    const off = (await control(app, 'petals', { petals: ['petal-routes'], action: 'off' })).json()
    expect(off).toMatchObject({
      success: true,
      action: 'OFF',
      processed_petals: ['petal-routes'],
      results: ['Disabled petal: petal-routes'],
      message: 'Configuration updated. 1 petals switched off successfully.',
      persisted: true,
    })
    expect((await app.inject('/petals/petal-routes/echo')).statusCode).toBe(404)
    let yaml = readFileSync(configPath, 'utf8')
    expect(yaml).toContain('# the operator keeps notes here')
    expect(yaml).toMatch(/enabled_petals: \[\s*\] # routes/)

    const on = (await control(app, 'petals', { petals: ['petal-routes'], action: 'ON' })).json()
    expect(on).toMatchObject({ success: true, results: ['Enabled petal: petal-routes'] })
    expect((await app.inject('/petals/petal-routes/echo')).statusCode).toBe(200)
    yaml = readFileSync(configPath, 'utf8')
    expect(yaml).toMatch(/enabled_petals: \[ petal-routes \] # routes/)
    expect((await app.inject('/api/petal-proxies-control/status')).json()).toMatchObject({
      enabled_petals: ['petal-routes'],
    })
  })

  it('a petal whose proxies are off cannot be enabled; the answer says which', async () => {
    const { app } = await start(baseYaml)
    const r = (
      await control(app, 'petals', { petals: ['petal-needy', 'petal-example'], action: 'ON' })
    ).json()
    expect(r).toMatchObject({
      success: false,
      results: ['Enabled petal: petal-example'],
      errors: ['Cannot enable petal-needy: missing dependencies [redis]. Enable those proxies first.'],
      partial_success: true,
    })
  })

  it('proxy switches refuse unknown and unimplemented proxies', async () => {
    const { app } = await start(baseYaml)
    const r = (await control(app, 'proxies', { proxies: ['warp-drive'], action: 'ON' })).json()
    expect(r.errors[0]).toMatch(/^Unknown proxy: warp-drive/)
    expect(r.success).toBe(false)
  })

  it('components/list lists every petal and proxy with dependencies and dependents', async () => {
    const { app } = await start(baseYaml)
    const list = (await app.inject('/api/petal-proxies-control/components/list')).json()
    expect(list.petals).toContainEqual({ name: 'petal-routes', enabled: true, dependencies: [] })
    expect(list.petals).toContainEqual({ name: 'petal-example', enabled: false, dependencies: [] })
    expect(list.proxies.map((p: { name: string }) => p.name)).toContain('mqtt')
    expect(list.total_proxies).toBe(list.proxies.length)
  })
})

describe('security', () => {
  it('off loopback every route but /health needs the bearer token (header or ?token=)', async () => {
    const { app } = await start(baseYaml, { PETAL_HTTP_HOST: '0.0.0.0', PETAL_API_TOKEN: 's3cret-token' })
    expect((await app.inject('/health')).statusCode).toBe(200)
    const denied = await app.inject('/health/detailed')
    expect(denied.statusCode).toBe(401)
    expect(denied.json().error.code).toBe('UNAUTHORIZED')
    expect(
      (await app.inject({ url: '/health/detailed', headers: { authorization: 'Bearer wrong' } })).statusCode,
    ).toBe(401)
    expect(
      (await app.inject({ url: '/health/detailed', headers: { authorization: 'Bearer s3cret-token' } }))
        .statusCode,
    ).toBe(200)
    expect((await app.inject('/health/detailed?token=s3cret-token')).statusCode).toBe(200)
    expect((await app.inject('/petals/petal-routes/echo')).statusCode).toBe(401)
  })

  it('CORS answers the allowed origins only', async () => {
    const { app } = await start(`${baseYaml}allowed_origins: [http://ground.example]\n`)
    const allowed = await app.inject({ url: '/health', headers: { origin: 'http://ground.example' } })
    expect(allowed.headers['access-control-allow-origin']).toBe('http://ground.example')
    const other = await app.inject({ url: '/health', headers: { origin: 'http://evil.example' } })
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('OpenAPI', () => {
  it('/docs/json lists the runtime routes and every running petal route; /docs serves Swagger UI locally', async () => {
    const { app } = await start(baseYaml)
    const doc = (await app.inject('/docs/json')).json()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/health/detailed',
        '/api/petal-proxies-control/petals/control',
        '/petals/petal-routes/items/{id}',
      ]),
    )
    expect(doc.paths['/petals/petal-routes/items/{id}'].put.parameters[0]).toMatchObject({
      name: 'id',
      in: 'path',
    })
    const body =
      doc.paths['/api/petal-proxies-control/petals/control'].post.requestBody.content['application/json']
        .schema
    expect(body.required).toEqual(['action'])
    const page = await app.inject('/docs')
    expect(page.body).toContain('/docs/assets/swagger-ui-bundle.js')
    expect((await app.inject('/docs/assets/swagger-ui-bundle.js')).statusCode).toBe(200)
  })
})
