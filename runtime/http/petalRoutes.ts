/**
 * Petal routes: `/petals/<name>/<path>` for every `http` entry of every running petal, matched at
 * request time, so a petal switched on while the runtime runs is reachable at once. `:param`
 * segments become `req.params`. The request is a message in the petal's mailbox; a petal that is
 * down answers 503, one that does not answer in time 504, an unknown path 404.
 */
import type { FastifyInstance } from 'fastify'
import type { RuntimeHost } from '../host/RuntimeHost.ts'
import { ActorFailed, ActorStopped, AskTimeout, describeError, KernelError } from '../kernel/index.ts'
import type { HttpMethod, HttpRequest, HttpRouteKey, Petal } from '../petal/definePetal.ts'
import { DEFAULT_HANDLER_TIMEOUT_MS, type HttpReply } from '../petal/petalActor.ts'

interface CompiledRoute {
  readonly key: HttpRouteKey
  readonly method: HttpMethod
  readonly segments: readonly string[]
  readonly timeoutMs: number
}

const compiled = new WeakMap<Petal, CompiledRoute[]>()

function routesOf(petal: Petal): CompiledRoute[] {
  let routes = compiled.get(petal)
  if (routes === undefined) {
    routes = Object.entries(petal.http ?? {}).map(([key, entry]) => {
      const space = key.indexOf(' ')
      return {
        key: key as HttpRouteKey,
        method: key.slice(0, space) as HttpMethod,
        segments: key
          .slice(space + 1)
          .split('/')
          .filter(Boolean),
        timeoutMs: (typeof entry === 'object' ? entry?.timeoutMs : undefined) ?? DEFAULT_HANDLER_TIMEOUT_MS,
      }
    })
    compiled.set(petal, routes)
  }
  return routes
}

/** The route of `petal` matching `method` and `path` (below `/petals/<name>`), with its params. */
export function matchRoute(
  petal: Petal,
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean)
  for (const route of routesOf(petal)) {
    if (route.method !== method || route.segments.length !== parts.length) continue
    const params: Record<string, string> = {}
    let ok = true
    for (let i = 0; i < parts.length && ok; i++) {
      const seg = route.segments[i]!
      if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(parts[i]!)
      else ok = seg === parts[i]
    }
    if (ok) return { route, params }
  }
  return undefined
}

/**
 * Registers the petal route dispatcher.
 *
 * @category http
 */
export function registerPetalRoutes(app: FastifyInstance, host: RuntimeHost): void {
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/petals/:petal/*',
    handler: async (req, reply) => {
      const name = (req.params as { petal: string }).petal
      const rest = (req.params as { '*': string })['*'] ?? ''
      const loaded = host.petals.get(name)
      const running = loaded !== undefined && host.activePetals.includes(loaded)
      if (!running || loaded.notLoaded !== undefined) {
        return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no running petal '${name}'` } })
      }
      const match = matchRoute(loaded.petal, req.method, `/${rest.split('?')[0]}`)
      if (match === undefined) {
        return reply
          .code(404)
          .send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} /${rest} in ${name}` } })
      }
      const ref = host.petalRef(name)
      const state = ref?.getSnapshot().value
      if (ref === undefined || state === 'failed' || state === 'stopped') {
        return reply
          .code(503)
          .send({ error: { code: 'PETAL_UNAVAILABLE', message: `${name} is ${state ?? 'not running'}` } })
      }
      const request: HttpRequest = {
        method: match.route.method,
        path: req.url,
        params: match.params,
        query: (req.query ?? {}) as Record<string, string>,
        body: req.body,
        headers: req.headers as Record<string, string | undefined>,
      }
      try {
        const answer = await ref.ask<HttpReply>(
          { type: 'http', route: match.route.key, request },
          { timeoutMs: match.route.timeoutMs + 1000 },
        )
        return reply.code(answer.status).send(answer.body)
      } catch (e) {
        return reply.code(statusOf(e)).send({ error: { code: codeOf(e), message: describeError(e) } })
      }
    },
  })
}

function statusOf(e: unknown): number {
  if (e instanceof AskTimeout) return 504
  if (e instanceof ActorFailed) return 500
  if (e instanceof ActorStopped || e instanceof KernelError) return 503
  return 500
}

function codeOf(e: unknown): string {
  if (e instanceof AskTimeout) return 'TIMEOUT_ERROR'
  if (e instanceof ActorStopped) return 'PETAL_UNAVAILABLE'
  if (e instanceof ActorFailed) return 'HANDLER_ERROR'
  if (e instanceof KernelError) return e.code
  return 'INTERNAL_ERROR'
}
