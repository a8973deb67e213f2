/**
 * The original's config control API, under `/api/petal-proxies-control`, applied live through the
 * control actor: `GET /status`, `POST /petals/control`, `POST /proxies/control` (proxy names in
 * `petals`, as the original takes them, or in `proxies`), `GET /components/list`. Bodies are
 * decoded with effect Schema; the original's messages for an empty list and a bad action.
 */
import * as Either from 'effect/Either'
import * as Schema from 'effect/Schema'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ControlMsg, Switch } from '../host/control.ts'
import type { RuntimeHost } from '../host/RuntimeHost.ts'
import { type ActorRef, describeError } from '../kernel/index.ts'

const PREFIX = '/api/petal-proxies-control'

/** The body of both switch routes. */
export const SwitchBody = Schema.Struct({
  petals: Schema.optional(Schema.Array(Schema.String)),
  proxies: Schema.optional(Schema.Array(Schema.String)),
  action: Schema.String,
})

function decodeSwitch(body: unknown, what: 'petal' | 'proxy'): { names: string[]; action: Switch } | string {
  const r = Schema.decodeUnknownEither(SwitchBody)(body ?? {})
  if (Either.isLeft(r)) {
    return `Expected a JSON object { "${what === 'petal' ? 'petals' : 'petals" (or "proxies")'}": [names], "action": "ON" | "OFF" }`
  }
  const names = [...(r.right.petals ?? []), ...(what === 'proxy' ? (r.right.proxies ?? []) : [])]
  if (names.length === 0) return `At least one ${what} name must be provided`
  const action = r.right.action.toUpperCase()
  if (action !== 'ON' && action !== 'OFF') return "Action must be either 'ON' or 'OFF'"
  return { names, action }
}

/**
 * A body that is not a JSON object gets fastify's own validation answer, checked here rather than
 * by a route schema: a schema makes fastify build an ajv validator at start-up (about 0.1 s).
 */
function notObject(body: unknown): boolean {
  return typeof body !== 'object' || body === null || Array.isArray(body)
}

function bad(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: { code: 'VALIDATION_ERROR', message } })
}

/** Registers the control routes. */
export function registerControlRoutes(app: FastifyInstance, host: RuntimeHost): void {
  const ask = async (reply: FastifyReply, msg: ControlMsg): Promise<unknown> => {
    const control = host.system.lookup('/control') as ActorRef<ControlMsg> | undefined
    if (control === undefined)
      return reply.code(503).send({ error: { code: 'UNAVAILABLE', message: 'control actor is not running' } })
    try {
      return await control.ask(msg, { timeoutMs: 60_000 })
    } catch (e) {
      return reply.code(500).send({ error: { code: 'CONTROL_ERROR', message: describeError(e) } })
    }
  }
  app.get(`${PREFIX}/status`, async (_req, reply) => ask(reply, { type: 'status' }))
  app.get(`${PREFIX}/components/list`, async (_req, reply) => ask(reply, { type: 'components' }))
  app.post(`${PREFIX}/petals/control`, async (req, reply) => {
    if (notObject(req.body)) return bad(reply, 'body must be object')
    const d = decodeSwitch(req.body, 'petal')
    return typeof d === 'string'
      ? bad(reply, d)
      : ask(reply, { type: 'petals', names: d.names, action: d.action })
  })
  app.post(`${PREFIX}/proxies/control`, async (req, reply) => {
    if (notObject(req.body)) return bad(reply, 'body must be object')
    const d = decodeSwitch(req.body, 'proxy')
    return typeof d === 'string'
      ? bad(reply, d)
      : ask(reply, { type: 'proxies', names: d.names, action: d.action })
  })
}
