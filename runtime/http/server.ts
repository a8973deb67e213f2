/**
 * The HTTP API (fastify): health, the control API, petal routes, the dashboard and its WebSocket,
 * and the OpenAPI document at `/docs`. Bodies are limited to 1 MiB; every error is
 * `{ "error": { "code", "message" } }`. On any address other than loopback, every route but
 * `/health` needs `Authorization: Bearer <PETAL_API_TOKEN>` (or `?token=` where a browser cannot
 * send a header: the dashboard page and its WebSocket); the config refuses such an address without
 * a token. CORS answers only the origins in `allowed_origins`.
 */
import { timingSafeEqual } from 'node:crypto'
import cors from '@fastify/cors'
import websocket from '@fastify/websocket'
import Fastify, { type FastifyInstance } from 'fastify'
import { isLoopback } from '../config/loadConfig.ts'
import type { RuntimeHost } from '../host/RuntimeHost.ts'
import type { InspectionHub } from '../inspect/InspectionHub.ts'
import { describeError } from '../kernel/index.ts'
import { registerControlRoutes } from './controlRoutes.ts'
import { registerDashboardRoutes } from './dashboardRoutes.ts'
import { registerDocsRoutes } from './docsRoutes.ts'
import { registerHealthRoutes } from './healthRoutes.ts'
import { registerPetalRoutes } from './petalRoutes.ts'

/** Constant-time comparison of a presented token with the configured one (never empty). */
function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || expected === '') return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Maximum request body, bytes. */
export const BODY_LIMIT = 1024 * 1024

/**
 * Builds the app (not listening yet).
 *
 * @category http
 */
export async function buildServer(
  host: RuntimeHost,
  hub: InspectionHub | undefined,
): Promise<FastifyInstance> {
  const config = host.config
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT })
  app.setErrorHandler((err, _req, reply) => {
    const e = err as { statusCode?: number; code?: string; message?: string }
    const status = e.statusCode ?? 500
    const code =
      status === 400
        ? 'VALIDATION_ERROR'
        : status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status === 415
            ? 'UNSUPPORTED_MEDIA_TYPE'
            : (e.code ?? 'INTERNAL_ERROR')
    void reply.code(status).send({ error: { code, message: e.message ?? describeError(err) } })
  })
  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } })
  })
  if (!isLoopback(config.httpHost)) {
    const token = config.apiToken ?? ''
    app.addHook('onRequest', async (req, reply) => {
      if (req.url === '/health') return
      const query = (req.query ?? {}) as { token?: unknown }
      const bearer = req.headers.authorization?.startsWith('Bearer ')
        ? req.headers.authorization.slice(7)
        : undefined
      if (sameToken(bearer, token) || sameToken(query.token, token)) return
      await reply.code(401).send({
        error: { code: 'UNAUTHORIZED', message: 'expected header Authorization: Bearer <PETAL_API_TOKEN>' },
      })
    })
  }
  const origins = config.allowedOrigins
  await app.register(cors, { origin: origins.includes('*') ? true : [...origins], credentials: false })
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })

  registerHealthRoutes(app, host)
  registerControlRoutes(app, host)
  registerPetalRoutes(app, host)
  registerDocsRoutes(app, host)
  if (hub !== undefined) registerDashboardRoutes(app, hub)
  return app
}
