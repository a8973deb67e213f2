/**
 * `/health/detailed`: every proxy's health (from its cached state, asked with a 500 ms limit; never
 * a network probe), every actor of the tree by path (state, restarts, last error), the petals with
 * the original's load states (`loaded`, `loading`, `not_loaded`) plus `failed` (past its restart
 * budget) and the reason a petal was not loaded, dead-letter counts, the process's memory, handles
 * and uptime, and (only while `PETAL_FAULTS` arms fault points) the fault seed and how often each
 * point fired. Overall `healthy` only when every enabled proxy is healthy and every petal that
 * should run is loaded.
 */
import type { HealthStatus, ProxyHealth, ProxyKind, ProxyName } from '../../actors/ProxyKind.ts'
import type { ActorDescription, ActorRef, ActorSystem } from '../kernel/index.ts'
import { describeError } from '../kernel/index.ts'
import type { LoadedPetal } from '../petal/loadPetals.ts'
import { processStats } from './processStats.ts'

/** A running proxy as health sees it. */
export interface ProxyEntry {
  readonly kind: ProxyKind
  // biome-ignore lint/suspicious/noExplicitAny: each proxy has its own protocol
  readonly ref: ActorRef<any>
}

/** What health reads. */
export interface HealthSources {
  readonly system: ActorSystem
  proxies(): ReadonlyMap<ProxyName, ProxyEntry>
  /** The petals that should run (startup, then enabled), loaded or not. */
  petals(): readonly LoadedPetal[]
  readonly version: string
}

/** One actor in `/health/detailed`. */
export interface ActorHealth {
  readonly kind: 'worker' | 'supervisor'
  readonly state: string
  readonly restarts: number
  readonly last_error: string | null
  readonly mailbox: number
}

/** A petal's load state (the original's values, plus `failed`). */
export type PetalLoadState = 'loaded' | 'loading' | 'not_loaded' | 'failed'

/** One petal in health. */
export interface PetalHealth {
  readonly name: string
  readonly status: PetalLoadState
  readonly version: string
  readonly is_startup_petal: boolean
  readonly restarts: number
  /** When it last started (ISO 8601), or null while it is not running. */
  readonly load_time: string | null
  readonly error: string | null
}

/** Petal load states, read from the tree. */
export function petalHealth(src: HealthSources): PetalHealth[] {
  return src.petals().map((p) => {
    const ref = src.system.lookup(`/petals/${p.name}`)
    const snap = ref?.getSnapshot()
    const status: PetalLoadState =
      p.notLoaded !== undefined || snap === undefined
        ? 'not_loaded'
        : snap.value === 'running'
          ? 'loaded'
          : snap.value === 'failed'
            ? 'failed'
            : snap.value === 'stopped'
              ? 'not_loaded'
              : 'loading'
    return {
      name: p.name,
      status,
      version: p.petal.version,
      is_startup_petal: p.startup,
      restarts: snap?.restarts ?? 0,
      load_time: snap?.runningSince === undefined ? null : new Date(snap.runningSince).toISOString(),
      error: p.notLoaded ?? snap?.lastError ?? null,
    }
  })
}

/** Proxy health from each proxy's cached state. */
export async function proxyHealth(src: HealthSources): Promise<Record<string, ProxyHealth>> {
  const out: Record<string, ProxyHealth> = {}
  await Promise.all(
    [...src.proxies()].map(async ([name, { kind, ref }]) => {
      const snap = ref.getSnapshot()
      if (snap.value !== 'running') {
        out[name] = {
          status: 'error',
          error: `proxy actor is ${snap.value}`,
          details: snap.lastError ?? null,
        }
        return
      }
      try {
        out[name] = await withTimeout(kind.health(ref), 500)
      } catch (e) {
        out[name] = { status: 'unknown' as HealthStatus, error: describeError(e) }
      }
    }),
  )
  return out
}

/** The `/health/detailed` body. */
export async function detailedHealth(src: HealthSources): Promise<Record<string, unknown>> {
  const proxies = await proxyHealth(src)
  const petals = petalHealth(src)
  const actors: Record<string, ActorHealth> = {}
  const walk = (d: ActorDescription): void => {
    if (d.path !== '/') {
      actors[d.path] = {
        kind: d.kind,
        state: d.status,
        restarts: d.restarts,
        last_error: d.lastError,
        mailbox: d.mailbox,
      }
    }
    for (const c of d.children) walk(c)
  }
  const tree = src.system.describe()
  if (tree !== null) walk(tree)
  const healthy =
    Object.values(proxies).every((p) => p.status === 'healthy') &&
    petals.every(
      (p) =>
        p.status === 'loaded' ||
        (p.status === 'not_loaded' && p.error !== null && p.error.startsWith('Cannot load')),
    )
  return {
    status: healthy ? 'healthy' : 'unhealthy',
    timestamp: Date.now() / 1000,
    version: src.version,
    proxies,
    petals,
    actors,
    dead_letters: { total: src.system.deadLetters.count, ...src.system.deadLetters.byReason },
    process: processStats(),
    ...(src.system.faults === null ? {} : { faults: src.system.faults.report() }),
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no health answer within ${ms} ms`)), ms)
    p.then(
      (v) => {
        clearTimeout(t)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(t)
        reject(e)
      },
    )
  })
}
