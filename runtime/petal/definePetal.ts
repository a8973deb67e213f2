/**
 * The petal SDK: what a petal author writes. A petal is a definition (name, version, the proxies
 * it needs, `init`/`stop`, and handler maps for MQTT commands, HTTP routes, WebSockets and events);
 * the host turns it into an actor under the petals supervisor, so its handlers run one message at a
 * time against its state. `definePetal` validates the definition at once and returns it frozen.
 */
import type { ProxyName } from '../../actors/ProxyKind.ts'
import type { BackoffOptions, OverflowPolicy } from '../kernel/index.ts'
import type { PetalContext, PetalInitContext } from './PetalContext.ts'

/** HTTP methods a petal route may use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** A route key: `'GET /jobs'`, `'POST /jobs/:id/cancel'`. Mounted under `/petals/<name>`. */
export type HttpRouteKey = `${HttpMethod} /${string}`

/** An MQTT command as the petal sees it (the original's envelope). */
export interface MqttCommand {
  readonly messageId: string
  /** The full command, `<petal-name>/<key>`. */
  readonly command: string
  readonly payload: Readonly<Record<string, unknown>>
  readonly waitResponse: boolean
  readonly [field: string]: unknown
}

/** What an MQTT handler returns: the command response (the original's shape). */
export interface MqttResponse {
  readonly status: 'success' | 'error'
  readonly message?: string
  readonly data?: unknown
  readonly error_code?: string
  readonly [field: string]: unknown
}

/** An MQTT command handler; its return value is the response. */
export type MqttHandler<S, C> = (
  msg: MqttCommand,
  state: S,
  ctx: C,
) => MqttResponse | undefined | Promise<MqttResponse | undefined>

/** An MQTT handler with options. */
export interface MqttHandlerSpec<S, C> {
  readonly handler?: MqttHandler<S, C>
  /** Run in the worker-thread pool (needs `worker`, the module exporting the handler). */
  readonly cpuHeavy?: boolean
  readonly worker?: string
  /** Time limit, ms (default 30 000). Past it the sender gets TIMEOUT_ERROR and the petal restarts. */
  readonly timeoutMs?: number
}

/** An HTTP request as a petal handler sees it. */
export interface HttpRequest {
  readonly method: HttpMethod
  readonly path: string
  readonly params: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, string | readonly string[] | undefined>>
  readonly body: unknown
  readonly headers: Readonly<Record<string, string | undefined>>
}

/** An HTTP handler; its return value is the JSON body (status 200). Throw `HttpError` for others. */
export type HttpHandler<S, C> = (req: HttpRequest, state: S, ctx: C) => unknown

/** An HTTP route with options. */
export interface HttpRouteSpec<S, C> {
  readonly handler: HttpHandler<S, C>
  /** Time limit, ms (default 30 000). */
  readonly timeoutMs?: number
}

/** The server side of a petal WebSocket. */
export interface PetalSocket {
  send(data: string): void
  close(code?: number, reason?: string): void
  onMessage(listener: (data: string) => void): void
  onClose(listener: () => void): void
}

/** A WebSocket handler, called once per connection. */
export type WsHandler<S, C> = (socket: PetalSocket, state: S, ctx: C) => unknown

/** An event handler (`on` map); returns the next state. A throw fails (restarts) the petal. */
export type EventHandler<S, C> = (payload: unknown, state: S, ctx: C) => S | Promise<S>

/** A petal's own restart budget; defaults come from the config's `supervision.petals`. */
export interface PetalSupervision {
  readonly intensity?: number
  readonly periodMs?: number
  readonly backoff?: BackoffOptions
  readonly shutdownMs?: number
}

/** What a petal author writes. */
export interface PetalDefinition<
  S,
  R extends readonly ProxyName[] = readonly ProxyName[],
  O extends readonly ProxyName[] = readonly ProxyName[],
> {
  /** Must start with `petal-` and equal the petal's key in the config. */
  readonly name: string
  readonly version: string
  readonly description?: string
  /** Proxies the petal cannot run without (the original's `get_required_proxies`). */
  readonly requires?: R
  /** Proxies it uses when enabled (`get_optional_proxies`). */
  readonly optional?: O
  /** Builds the state; runs again on every restart. */
  readonly init?: (ctx: PetalInitContext<R[number], O[number]>) => S | Promise<S>
  readonly stop?: (state: S, ctx: PetalContext<S, R[number], O[number]>) => unknown
  readonly mqtt?: Readonly<
    Record<
      string,
      | MqttHandler<S, PetalContext<S, R[number], O[number]>>
      | MqttHandlerSpec<S, PetalContext<S, R[number], O[number]>>
    >
  >
  readonly http?: Readonly<
    Partial<
      Record<
        HttpRouteKey,
        | HttpHandler<S, PetalContext<S, R[number], O[number]>>
        | HttpRouteSpec<S, PetalContext<S, R[number], O[number]>>
      >
    >
  >
  readonly ws?: Readonly<Record<`/${string}`, WsHandler<S, PetalContext<S, R[number], O[number]>>>>
  readonly on?: Readonly<Record<string, EventHandler<S, PetalContext<S, R[number], O[number]>>>>
  readonly supervision?: PetalSupervision
  readonly mailbox?: { readonly capacity?: number; readonly overflow?: OverflowPolicy }
}

/** Marks objects made by {@link definePetal}, across copies of this package. */
export const PETAL_BRAND: unique symbol = Symbol.for('petal-runtime.petal') as never

/** A validated petal. */
// biome-ignore lint/suspicious/noExplicitAny: a loaded petal may hold any state
export type Petal<S = any> = PetalDefinition<S> & { readonly [PETAL_BRAND]: true }

/**
 * Validates a petal definition and returns it frozen. Throws `TypeError` naming the field at fault.
 *
 * @example
 * export default definePetal({
 *   name: 'petal-counter',
 *   version: '1.0.0',
 *   requires: ['redis'],
 *   init: () => ({ count: 0 }),
 *   mqtt: { increment: (msg, state, ctx) => { ctx.setState({ count: state.count + 1 }); return { status: 'success' } } },
 * })
 *
 * @category petal SDK
 */
export function definePetal<
  S,
  const R extends readonly ProxyName[] = [],
  const O extends readonly ProxyName[] = [],
>(definition: PetalDefinition<S, R, O>): Petal<S> {
  const problems = petalProblems(definition)
  if (problems.length > 0) throw new TypeError(`invalid petal definition: ${problems.join('; ')}`)
  return Object.freeze({ ...definition, [PETAL_BRAND]: true as const }) as unknown as Petal<S>
}

const ROUTE = /^(GET|POST|PUT|PATCH|DELETE) (\/[A-Za-z0-9_.~:/-]*)$/
const MQTT_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/
const PROXY_SET: ReadonlySet<string> = new Set([
  'ext_mavlink',
  'ftp_mavlink',
  'redis',
  'db',
  'cloud',
  'bucket',
  'mqtt',
])

/** Every problem of a would-be petal, as sentences naming the field; empty when valid. */
export function petalProblems(d: unknown): string[] {
  const out: string[] = []
  if (typeof d !== 'object' || d === null)
    return [`expected an object made by definePetal, found ${typeof d}`]
  const p = d as Record<string, unknown>
  if (typeof p.name !== 'string' || !/^petal-[a-z0-9][a-z0-9-]*$/.test(p.name)) {
    out.push(`name: expected 'petal-<kebab-case>', found ${JSON.stringify(p.name)}`)
  }
  if (typeof p.version !== 'string' || p.version === '')
    out.push(`version: expected a non-empty string, found ${JSON.stringify(p.version)}`)
  for (const key of ['requires', 'optional'] as const) {
    const v = p[key]
    if (v === undefined) continue
    if (!Array.isArray(v)) out.push(`${key}: expected an array of proxy names, found ${JSON.stringify(v)}`)
    else
      for (const n of v)
        if (!PROXY_SET.has(n))
          out.push(`${key}: '${String(n)}' is not a proxy name (${[...PROXY_SET].join(', ')})`)
  }
  for (const key of ['init', 'stop'] as const) {
    if (p[key] !== undefined && typeof p[key] !== 'function') out.push(`${key}: expected a function`)
  }
  const maps = ['mqtt', 'http', 'ws', 'on'] as const
  for (const m of maps) {
    const v = p[m]
    if (v === undefined) continue
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      out.push(`${m}: expected a map of handlers`)
      continue
    }
    for (const [k, h] of Object.entries(v)) {
      if (m === 'mqtt') {
        if (!MQTT_KEY.test(k)) out.push(`mqtt.${k}: expected a command key of letters, digits, '_', '.', '-'`)
        const spec = (typeof h === 'function' ? { handler: h } : h) as MqttHandlerSpec<
          unknown,
          unknown
        > | null
        if (typeof spec !== 'object' || spec === null)
          out.push(`mqtt.${k}: expected a handler function or { handler, ... }`)
        else if (spec.cpuHeavy) {
          if (typeof spec.worker !== 'string')
            out.push(`mqtt.${k}: cpuHeavy needs 'worker', the module that exports the handler`)
        } else if (typeof spec.handler !== 'function') out.push(`mqtt.${k}: expected a handler function`)
      } else if (m === 'http') {
        if (!ROUTE.test(k)) out.push(`http['${k}']: expected '<GET|POST|PUT|PATCH|DELETE> /path'`)
        const fn = typeof h === 'function' ? h : (h as { handler?: unknown } | null)?.handler
        if (typeof fn !== 'function') out.push(`http['${k}']: expected a handler function or { handler }`)
      } else if (m === 'ws') {
        if (!k.startsWith('/')) out.push(`ws['${k}']: expected a path starting with '/'`)
        if (typeof h !== 'function') out.push(`ws['${k}']: expected a handler function`)
      } else {
        if (!/^[a-z_]+:.+$/.test(k))
          out.push(`on['${k}']: expected '<source>:<topic>', e.g. 'mavlink:HEARTBEAT'`)
        if (typeof h !== 'function') out.push(`on['${k}']: expected a handler function`)
      }
    }
  }
  return out
}

/**
 * A petal HTTP handler's way to answer with a status other than 200.
 *
 * @category petal SDK
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}
