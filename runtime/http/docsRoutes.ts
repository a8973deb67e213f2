/**
 * OpenAPI: `/docs/json` is the OpenAPI 3.1 document of the runtime's routes and of every running
 * petal's routes (made on each request, so a petal switched on appears at once); `/docs` is
 * Swagger UI, served from the local `swagger-ui-dist` package (no CDN). Request bodies of the
 * control API are described by the JSON Schema derived from the same effect Schema that
 * validates them (derived on the first `/docs/json` request: `effect/JSONSchema` is not loaded at
 * start-up).
 */
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import type { RuntimeHost } from '../host/RuntimeHost.ts'
import { SwitchBody } from './controlRoutes.ts'

const require = createRequire(import.meta.url)

type Operation = {
  summary: string
  tags: string[]
  requestBody?: unknown
  responses: Record<string, unknown>
}

const ok = { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } } }

let switchBodyJson: Promise<unknown> | undefined

/** The control API's request body as JSON Schema, derived once. */
function switchBodySchema(): Promise<unknown> {
  switchBodyJson ??= import('effect/JSONSchema').then((JSONSchema) => JSONSchema.make(SwitchBody))
  return switchBodyJson
}

function corePaths(bodySchema: unknown): Record<string, Record<string, Operation>> {
  const switchBody = { required: true, content: { 'application/json': { schema: bodySchema } } }
  const op = (summary: string, tag: string, body?: unknown): Operation => ({
    summary,
    tags: [tag],
    ...(body === undefined ? {} : { requestBody: body }),
    responses: ok,
  })
  const control = '/api/petal-proxies-control'
  return {
    '/health': { get: op('The process answers: {"status":"ok"}', 'health') },
    '/health/detailed': { get: op('Every proxy, actor and petal, from cached state', 'health') },
    '/health/overview': { get: op("The original's HealthMessage", 'health') },
    [`${control}/status`]: { get: op('Enabled proxies and petals, and dependencies', 'control') },
    [`${control}/petals/control`]: { post: op('Switch petals ON or OFF, live', 'control', switchBody) },
    [`${control}/proxies/control`]: { post: op('Switch proxies ON or OFF, live', 'control', switchBody) },
    [`${control}/components/list`]: { get: op('Every known petal and proxy', 'control') },
    '/dashboard': { get: op('The admin dashboard (HTML)', 'dashboard') },
    '/ws/inspect': { get: op('WebSocket: the inspection stream (@statelyai/inspect events)', 'dashboard') },
  }
}

/** The OpenAPI document, now. */
export async function openApiDocument(host: RuntimeHost): Promise<Record<string, unknown>> {
  const paths = corePaths(await switchBodySchema())
  for (const loaded of host.activePetals) {
    if (loaded.notLoaded !== undefined) continue
    for (const key of Object.keys(loaded.petal.http ?? {})) {
      const space = key.indexOf(' ')
      const method = key.slice(0, space).toLowerCase()
      const path = `/petals/${loaded.name}${key.slice(space + 1).replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`
      const params = [...key.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      }))
      paths[path] = {
        ...paths[path],
        [method]: {
          summary: `${loaded.name} ${key}`,
          tags: [loaded.name],
          ...(params.length > 0 ? { parameters: params } : {}),
          responses: ok,
        } as Operation,
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'petal runtime', version: host.version },
    paths,
  }
}

const page = `<!DOCTYPE html>
<html><head><title>petal runtime API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
const token = new URLSearchParams(location.search).get('token')
window.ui = SwaggerUIBundle({ url: '/docs/json' + (token ? '?token=' + encodeURIComponent(token) : ''), dom_id: '#swagger-ui' })
</script></body></html>`

/** Registers `/docs` and `/docs/json`. */
export function registerDocsRoutes(app: FastifyInstance, host: RuntimeHost): void {
  // The package's folder, found without running its index (which evaluates 2 MB of browser code).
  const uiDir = dirname(require.resolve('swagger-ui-dist/package.json'))
  void app.register(fastifyStatic, { root: uiDir, prefix: '/docs/assets/', decorateReply: false })
  app.get('/docs/json', () => openApiDocument(host))
  app.get('/docs', async (_req, reply) => reply.type('text/html').send(page))
}
