/**
 * The contract every proxy kind (`actors/<kind>/`) fulfils so the host can run it: read its options
 * from `PETAL_*` variables (reporting bad values as issues, never throwing), give the actor that
 * owns the connection (a behaviour, or a supervisor of several), build the typed facade petals
 * call, report health from cached state, and, optionally, feed petals' `on` handlers.
 * A backend outage is not a crash: a proxy whose server is away stays alive, says so in its health,
 * and fails calls fast with `ProxyUnavailable`.
 */
import type { ActorOptions, ActorRef, Behavior, Logger, SupervisorSpec } from '../runtime/kernel/index.ts'

/** The proxy names of the original's `proxies.yaml`. */
export const PROXY_NAMES = ['ext_mavlink', 'ftp_mavlink', 'redis', 'db', 'cloud', 'bucket', 'mqtt'] as const

/** A proxy name as written in `enabled_proxies`. */
export type ProxyName = (typeof PROXY_NAMES)[number]

/** True when `name` is one of {@link PROXY_NAMES}. */
export function isProxyName(name: string): name is ProxyName {
  return (PROXY_NAMES as readonly string[]).includes(name)
}

/** A bad option value, reported by `parseOptions`. */
export interface OptionIssue {
  /** The variable (`PETAL_REDIS_PORT`) or key at fault. */
  readonly key: string
  readonly expected: string
  readonly found: string
}

/** What a proxy kind may read while building. */
export interface ProxyContext {
  /** `PETAL_*` (and other) variables: the process environment over the `.env` file. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Directory of the config file; relative paths resolve against it. */
  readonly configDir: string
  /** `petal start --sim`: embedded defaults, no external server. */
  readonly sim: boolean
  /** `PETAL_MACHINE_ID`, else `/etc/machine-id`; undefined when neither exists. */
  readonly machineId: string | undefined
  readonly log: Logger
}

/** Health status values of the original's health JSON. */
export type HealthStatus = 'healthy' | 'unhealthy' | 'error' | 'unknown' | 'warning'

/** A proxy's health: `status` plus the original's per-proxy fields. */
export interface ProxyHealth {
  readonly status: HealthStatus
  readonly [field: string]: unknown
}

/** The actor a proxy kind runs, as a child of the proxies supervisor. */
export interface ProxyChild {
  // biome-ignore lint/suspicious/noExplicitAny: each proxy has its own state and protocol
  readonly start: Behavior<any, any> | SupervisorSpec
  readonly options?: ActorOptions
  readonly shutdownMs?: number
}

/** How petals' `on: { '<prefix>:<topic>': handler }` entries are fed. */
export interface ProxyEvents<Facade> {
  /** The prefix before the colon, e.g. `mavlink`. */
  readonly prefix: string
  /** Subscribes `deliver` to `topic`; returns the unsubscribe function. */
  subscribe(facade: Facade, topic: string, deliver: (payload: unknown) => void): () => void
}

/**
 * Who calls a facade, when it is a petal: its callbacks (subscriptions, handlers) run as messages
 * in the owner's mailbox, one at a time with its other handlers, and what it registered is
 * released when its incarnation ends.
 */
export interface FacadeOwner {
  /** The owner's name (a petal name), for health and logs. */
  readonly name: string
  /** Runs `fn` as a message in the owner's mailbox; a throw or rejection fails the owner. */
  run(fn: () => unknown): void
  /** Runs `close` when the owner's incarnation ends (stop, restart or failure). */
  onCleanup(close: () => unknown): void
}

/**
 * One kind of proxy.
 *
 * @category models
 */
export interface ProxyKind<Options = unknown, Facade = unknown> {
  readonly name: ProxyName
  /** Title in the health overview (`Redis Proxy`). */
  readonly title: string
  parseOptions(ctx: ProxyContext): { readonly options: Options } | { readonly issues: readonly OptionIssue[] }
  child(options: Options, ctx: ProxyContext): ProxyChild
  // biome-ignore lint/suspicious/noExplicitAny: the facade wraps the proxy's own protocol
  facade(ref: ActorRef<any>): Facade
  /** Health from cached state (no network on this path). */
  // biome-ignore lint/suspicious/noExplicitAny: as above
  health(ref: ActorRef<any>): Promise<ProxyHealth>
  readonly events?: ProxyEvents<Facade>
  /** The facade as one owner sees it (callbacks into its mailbox); default: the shared facade. */
  own?(facade: Facade, owner: FacadeOwner): Facade
}
