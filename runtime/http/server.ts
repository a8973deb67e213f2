/**
 * The HTTP API (fastify): `/health`, `/health/detailed`, and each petal's `http` routes under
 * `/petals/<name>/...`, delivered to the petal's mailbox as messages. Bodies are limited to 1 MiB;
 * every error is `{ "error": { "code", "message" } }`. On any address other than loopback every
 * route except `/health` needs `Authorization: Bearer <PETAL_API_TOKEN>` (the config refuses such an
 * address without a token). A petal that is down answers 503, one that does not answer in time 504.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { isLoopback } from '../config/loadConfig.ts'
import type { ActorRef } from '../kernel/index.ts'
import { ActorFailed, ActorStopped, AskTimeout, describeError, KernelError } from '../kernel/index.ts'
import type { HttpMethod, HttpRequest } from '../petal/definePetal.ts'
import type { LoadedPetal } from '../petal/loadPetals.ts'
import { DEFAULT_HANDLER_TIMEOUT_MS, type HttpReply, type PetalMsg } from '../petal/petalActor.ts'

/** What the server serves. */
export interface ServerOptions {
  readonly host: string
  readonly apiToken: string | undefined
  readonly petals: readonly LoadedPetal[]
  petalRef(name: string): ActorRef<PetalMsg> | undefined
  detailedHealth(): Promise<Record<string, unknown>>
}

/**
 * Builds the fastify app (not listening yet).
 *
 * @category http
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })
  const needsToken = !isLoopback(options.host)

  app.setErrorHandler((err, _req, reply) => {
    const e = err as { statusCode?: number; code?: string; message?: string }
    const status = e.statusCode ?? 500
    const code =
      status === 400
        ? 'VALIDATION_ERROR'
        : status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : (e.code ?? 'INTERNAL_ERROR')
    void reply.code(status).send({ error: { code, message: e.message ?? describeError(err) } })
  })
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` } })
  })
  if (needsToken) {
    app.addHook('onRequest', async (req, reply) => {
      if (req.url === '/health') return
      if (req.headers.authorization !== `Bearer ${options.apiToken}`) {
        await reply.code(401).send({
          error: {
            code: 'UNAUTHORIZED',
            message: 'expected header Authorization: Bearer <PETAL_API_TOKEN>',
          },
        })
      }
    })
  }

  app.get('/health', async () => ({ status: 'ok' }))
  app.get('/health/detailed', async () => options.detailedHealth())

  for (const loaded of options.petals) {
    if (loaded.notLoaded !== undefined) continue
    for (const [key, entry] of Object.entries(loaded.petal.http ?? {})) {
      const space = key.indexOf(' ')
      const method = key.slice(0, space) as HttpMethod
      const path = key.slice(space + 1)
      const limit = (typeof entry === 'object' ? entry?.timeoutMs : undefined) ?? DEFAULT_HANDLER_TIMEOUT_MS
      app.route({
        method,
        url: `/petals/${loaded.name}${path}`,
        handler: async (req, reply) => {
          const ref = options.petalRef(loaded.name)
          const request: HttpRequest = {
            method,
            path: req.url,
            params: (req.params ?? {}) as Record<string, string>,
            query: (req.query ?? {}) as Record<string, string>,
            body: req.body,
            headers: req.headers as Record<string, string | undefined>,
          }
          if (
            ref === undefined ||
            ref.getSnapshot().value === 'failed' ||
            ref.getSnapshot().value === 'stopped'
          ) {
            return reply.code(503).send(unavailable(loaded.name, ref?.getSnapshot().value ?? 'not loaded'))
          }
          try {
            const answer = await ref.ask<HttpReply>(
              { type: 'http', route: key as `${HttpMethod} /${string}`, request },
              { timeoutMs: limit + 1000 },
            )
            return reply.code(answer.status).send(answer.body)
          } catch (e) {
            return reply.code(statusOf(e)).send({ error: { code: codeOf(e), message: describeError(e) } })
          }
        },
      })
    }
  }
  return app
}

function unavailable(name: string, state: string): unknown {
  return { error: { code: 'PETAL_UNAVAILABLE', message: `${name} is ${state}` } }
}

function statusOf(e: unknown): number {
  if (e instanceof AskTimeout) return 504
  if (e instanceof ActorStopped) return 503
  if (e instanceof ActorFailed) return 500
  if (e instanceof KernelError) return 503
  return 500
}

function codeOf(e: unknown): string {
  if (e instanceof AskTimeout) return 'TIMEOUT_ERROR'
  if (e instanceof ActorStopped) return 'PETAL_UNAVAILABLE'
  if (e instanceof ActorFailed) return 'HANDLER_ERROR'
  if (e instanceof KernelError) return e.code
  return 'INTERNAL_ERROR'
}
