/**
 * Builds and starts the supervision tree from a resolved config and loaded petals:
 *
 *     /            one_for_one, budget `supervision.root` (3 restarts a minute)
 *     /proxies     rest_for_one, in dependency order, budget `supervision.proxies`
 *     /petals      one_for_one; startup petals first; each petal with its own budget, marked failed past it
 *     /mqtt-router with the mqtt proxy: commands to petal actors, answers to `response`
 *     /health      with the redis proxy: the health overview published every few seconds
 *     /control     switches petals and proxies on and off live (the control API)
 *     /http        the HTTP API and dashboard
 *
 * Resolves once every actor has been tried, with the HTTP address bound. A petal whose proxies are
 * turned off is not started (health says why). `stop()` stops the tree in reverse order. Fault
 * points armed by `PETAL_FAULTS` are listed in one `warn` line before anything starts.
 */
import type { RuntimeConfig } from '../config/loadConfig.ts'
import { detailedHealth } from '../health/detailedHealth.ts'
import { buildServer } from '../http/server.ts'
import { InspectionHub } from '../inspect/InspectionHub.ts'
import {
  type ActorSystem,
  type Behavior,
  type Clock,
  createActorSystem,
  type Logger,
  supervisor,
} from '../kernel/index.ts'
import type { LogRing } from '../log/logRing.ts'
import type { LoadedPetal } from '../petal/loadPetals.ts'
import { proxyKinds } from '../proxies/catalog.ts'
import { controlBehavior } from './control.ts'
import { messagingChildren } from './messagingChildren.ts'
import { RuntimeHost } from './RuntimeHost.ts'

/** A running runtime. */
export interface RuntimeHandle {
  readonly system: ActorSystem
  readonly host: RuntimeHost
  /** `http://host:port` actually bound. */
  readonly httpUrl: string
  stop(): Promise<void>
}

/** Host services beyond the config. */
export interface StartOptions {
  readonly log: Logger
  readonly version: string
  /** The root gave up (the CLI exits 70). */
  readonly onFatal: (error: unknown) => void
  /** Recent log lines for the dashboard. */
  readonly logRing?: LogRing
  readonly clock?: Clock
  readonly seed?: number
}

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
    ...(config.faults === undefined ? {} : { faults: config.faults }),
  })
  if (system.faults !== null) {
    log.warn(
      { event: 'faults-armed', faults: system.faults.plan.points, seed: system.faults.seed },
      `fault injection armed (PETAL_FAULTS, seed ${system.faults.seed}): ${system.faults.describe()}; for chaos runs only`,
    )
  }
  const host = new RuntimeHost(config, system, log, options.version, petals)
  for (const p of host.activePetals) if (p.notLoaded !== undefined) log.warn({ petal: p.name }, p.notLoaded)

  const hub = new InspectionHub(
    system,
    async () => ({ tree: system.describe(), health: await detailedHealth(host.healthSources()) }),
    options.logRing,
  )
  let httpUrl = ''
  const http: Behavior<{ close: () => Promise<void> }, never> = {
    init: async () => {
      const app = await buildServer(host, hub)
      httpUrl = await app.listen({ host: config.httpHost, port: config.httpPort })
      return { close: () => app.close() }
    },
    receive: (s) => s,
    stop: (s) => s.close(),
  }

  const root = config.supervision.root
  const proxies = config.supervision.proxies
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
            intensity: proxies.intensity,
            periodMs: proxies.periodMs,
            backoff: proxies.backoff,
            children: host.enabledProxies.map((name) =>
              host.proxySpec(name, proxyKinds[name]!, host.proxyOptions.get(name)),
            ),
          }),
        },
        {
          id: 'petals',
          start: supervisor({
            intensity: 1,
            children: host.activePetals
              .filter((p) => p.notLoaded === undefined)
              .map((p) => host.petalSpec(p)),
          }),
        },
        ...messagingChildren(host),
        { id: 'control', start: controlBehavior(host), shutdownMs: 5_000 },
        { id: 'http', start: http, shutdownMs: 5_000 },
      ],
    }),
  )
  return {
    system,
    host,
    httpUrl,
    stop: async () => {
      await system.stop()
      hub.close()
      await host.workers.close()
    },
  }
}
