/**
 * Builds and starts the supervision tree from a resolved config and loaded petals:
 *
 *     /            one_for_one, budget `supervision.root` (3 restarts a minute)
 *     /proxies     rest_for_one, in dependency order, budget `supervision.proxies`
 *     /petals      one_for_one; startup petals first; each petal with its own budget, marked failed past it
 *     /mqtt-router with the mqtt proxy: commands to petal actors, answers to `response`
 *     /health      with the redis proxy: the health overview published every few seconds
 *     /http        the HTTP API
 *
 * Resolves once every actor has been tried, with the HTTP address bound. A petal whose proxies are
 * turned off is not started (health says why). `stop()` stops the tree in reverse order.
 */
import type { ProxyName } from '../../actors/ProxyKind.ts'
import type { RuntimeConfig } from '../config/loadConfig.ts'
import { detailedHealth, type HealthSources, type ProxyEntry } from '../health/detailedHealth.ts'
import { buildServer } from '../http/server.ts'
import {
  type ActorRef,
  type ActorSystem,
  type Behavior,
  type ChildSpec,
  type Clock,
  createActorSystem,
  type Logger,
  supervisor,
} from '../kernel/index.ts'
import { jobEventMessage } from '../mqtt/jobEvents.ts'
import type { JobSink } from '../petal/jobs.ts'
import type { LoadedPetal } from '../petal/loadPetals.ts'
import { type PetalMsg, type PetalServices, petalBehavior } from '../petal/petalActor.ts'
import type { ProxyFacades } from '../petal/proxyFacades.ts'
import { proxyKinds } from '../proxies/catalog.ts'
import { createWorkerPool, petalDir } from '../workers/workerPool.ts'
import { messagingChildren } from './messagingChildren.ts'

/** A running runtime. */
export interface RuntimeHandle {
  readonly system: ActorSystem
  /** `http://host:port` actually bound. */
  readonly httpUrl: string
  readonly health: HealthSources
  stop(): Promise<void>
}

/** Host services beyond the config. */
export interface StartOptions {
  readonly log: Logger
  readonly version: string
  /** The root gave up (the CLI exits 70). */
  readonly onFatal: (error: unknown) => void
  readonly clock?: Clock
  readonly seed?: number
}

/** Petal actors take at most this long to `init`. */
const PETAL_INIT_TIMEOUT_MS = 60_000

/**
 * Starts the runtime.
 *
 * @category host
 */
export async function startRuntime(
  config: RuntimeConfig,
  petals: readonly LoadedPetal[],
  options: StartOptions,
): Promise<RuntimeHandle> {
  const { log } = options
  const system = createActorSystem({
    logger: log,
    onFatal: options.onFatal,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  })

  // The whole tree is built before any actor's init runs, so lookups by path work from then on.
  const proxyEntry = (name: ProxyName): ProxyEntry | undefined => {
    if (!config.enabledProxies.includes(name)) return undefined
    const ref = system.lookup(`/proxies/${name}`)
    return ref === undefined ? undefined : { kind: proxyKinds[name]!, ref: ref as ActorRef<never> }
  }
  const facades = new Map<ProxyName, unknown>()
  const sharedFacade = <K extends ProxyName>(name: K): ProxyFacades[K] | undefined => {
    const entry = proxyEntry(name)
    if (entry === undefined) return undefined
    if (!facades.has(name)) facades.set(name, entry.kind.facade(entry.ref))
    return facades.get(name) as ProxyFacades[K]
  }
  const proxyContext = {
    env: config.env,
    configDir: config.configDir,
    sim: config.sim,
    machineId: config.machineId,
    log,
  }
  const proxyChildren: ChildSpec[] = config.enabledProxies.map((name) => {
    const kind = proxyKinds[name]!
    const child = kind.child(config.proxyOptions.get(name), proxyContext)
    return {
      id: name,
      start: child.start,
      ...(child.options === undefined ? {} : { options: child.options }),
      shutdownMs: child.shutdownMs ?? config.supervision.proxies.shutdownMs,
    }
  })

  const jobSink: JobSink = (e) => {
    const fields = {
      petal: e.job.petal,
      job: e.job.id,
      state: e.job.state,
      progress: e.job.progress,
      error: e.job.error,
    }
    if (e.kind === 'progress') log.debug(fields, `job ${e.job.id} of ${e.job.petal}: progress`)
    else log.info(fields, `job ${e.job.id} of ${e.job.petal}: ${e.kind}`)
    const mqtt = sharedFacade('mqtt')
    if (mqtt !== undefined) {
      const m = jobEventMessage(e)
      mqtt.publishMessage(m.payload, { qos: m.qos }).catch(() => {})
    }
  }
  const workers = createWorkerPool()
  const petalFile = (name: string): string => petals.find((p) => p.name === name)?.file ?? config.configDir
  const services = (name: string): PetalServices => ({
    runWorker: workers.runner(petalDir(petalFile(name))),
    log: childLog(log, { petal: name }),
    facade: (proxy, owner) => {
      const entry = proxyEntry(proxy)
      if (entry === undefined) return undefined
      if (!facades.has(proxy)) facades.set(proxy, entry.kind.facade(entry.ref))
      const shared = facades.get(proxy)
      return owner === undefined || entry.kind.own === undefined ? shared : entry.kind.own(shared, owner)
    },
    subscribe: (prefix, topic, deliver) => {
      for (const proxy of config.enabledProxies) {
        const events = proxyKinds[proxy]?.events
        if (events?.prefix === prefix) return events.subscribe(services(name).facade(proxy), topic, deliver)
      }
      return undefined
    },
    jobSink,
    settings: (config.petalSettings[name] ?? {}) as Record<string, unknown>,
  })
  const petalChildren: ChildSpec[] = petals
    .filter((p) => p.notLoaded === undefined)
    .map((p) => {
      const budget = config.supervision.byPetal[p.name] ?? config.supervision.petals
      const own = p.petal.supervision
      return {
        id: p.name,
        start: petalBehavior(p.petal, services(p.name)),
        options: { initTimeoutMs: PETAL_INIT_TIMEOUT_MS },
        shutdownMs: own?.shutdownMs ?? budget.shutdownMs,
        budget: {
          intensity: own?.intensity ?? budget.intensity,
          periodMs: own?.periodMs ?? budget.periodMs,
          backoff: own?.backoff ?? budget.backoff,
          onExhausted: 'fail',
        },
      }
    })
  for (const p of petals) if (p.notLoaded !== undefined) log.warn({ petal: p.name }, p.notLoaded)

  const health: HealthSources = {
    system,
    proxies: () =>
      new Map(config.enabledProxies.flatMap((n) => (proxyEntry(n) ? [[n, proxyEntry(n)!] as const] : []))),
    petals,
    version: options.version,
  }
  let httpUrl = ''
  const http: Behavior<{ close: () => Promise<void> }, never> = {
    init: async () => {
      const app = buildServer({
        host: config.httpHost,
        apiToken: config.apiToken,
        petals,
        petalRef: (name) => system.lookup<PetalMsg>(`/petals/${name}`),
        detailedHealth: () => detailedHealth(health),
      })
      httpUrl = await app.listen({ host: config.httpHost, port: config.httpPort })
      return { close: () => app.close() }
    },
    receive: (s) => s,
    stop: (s) => s.close(),
  }

  const root = config.supervision.root
  await system.start(
    supervisor({
      intensity: root.intensity,
      periodMs: root.periodMs,
      backoff: root.backoff,
      children: [
        {
          id: 'proxies',
          start: supervisor({
            strategy: 'rest_for_one',
            intensity: config.supervision.proxies.intensity,
            periodMs: config.supervision.proxies.periodMs,
            backoff: config.supervision.proxies.backoff,
            children: proxyChildren,
          }),
        },
        { id: 'petals', start: supervisor({ intensity: 1, children: petalChildren }) },
        ...messagingChildren({ config, system, petals, health, facade: sharedFacade }),
        { id: 'http', start: http, shutdownMs: 5_000 },
      ],
    }),
  )
  return {
    system,
    httpUrl,
    health,
    stop: async () => {
      await system.stop()
      await workers.close()
    },
  }
}

function childLog(log: Logger, fields: Record<string, unknown>): Logger {
  const withChild = log as Logger & { child?: (f: Record<string, unknown>) => Logger }
  return typeof withChild.child === 'function' ? withChild.child(fields) : log
}
