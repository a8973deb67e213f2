/**
 * The admin dashboard: `/dashboard` serves its page, script and style from `runtime/http/dashboard/`
 * and Mermaid from the local `mermaid` package (every asset local, no CDN); `/ws/inspect` is the
 * live inspection stream, one JSON event per WebSocket message, in `@statelyai/inspect`'s shape.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import type { HubClient, InspectionHub } from '../inspect/InspectionHub.ts'

const require = createRequire(import.meta.url)

/** The dashboard's asset folder, from the source tree or beside the built output. */
function assetsDir(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); dirname(d) !== d; d = dirname(d)) {
    const candidate = join(d, 'runtime', 'http', 'dashboard')
    if (existsSync(join(candidate, 'index.html'))) return candidate
    const here = join(d, 'dashboard')
    if (existsSync(join(here, 'index.html'))) return here
  }
  throw new Error('dashboard assets not found (runtime/http/dashboard)')
}

/** Registers `/dashboard` and `/ws/inspect`. */
export function registerDashboardRoutes(app: FastifyInstance, hub: InspectionHub): void {
  void app.register(fastifyStatic, {
    root: assetsDir(),
    prefix: '/dashboard/',
    decorateReply: false,
    index: 'index.html',
  })
  const mermaid = join(dirname(require.resolve('mermaid/package.json')), 'dist')
  void app.register(fastifyStatic, {
    root: mermaid,
    prefix: '/dashboard/vendor/',
    decorateReply: false,
    allowedPath: (p) => p === '/mermaid.min.js',
  })
  app.get('/dashboard', async (req, reply) =>
    reply.redirect(`/dashboard/${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`),
  )
  app.get('/ws/inspect', { websocket: true }, (socket) => {
    const client: HubClient = {
      send: (text) => socket.send(text),
      get bufferedAmount() {
        return socket.bufferedAmount
      },
    }
    void hub.attach(client)
    socket.on('close', () => hub.detach(client))
    socket.on('error', () => hub.detach(client))
  })
}
