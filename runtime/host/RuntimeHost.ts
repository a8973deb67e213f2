/**
 * What the host knows while it runs: the config it started from, which proxies and petals are
 * enabled now (the control API changes that live), the petals loaded so far, and how to build the
 * child spec of a proxy or a petal and the services a petal gets. The whole tree exists before any
 * actor's `init` runs, so lookups by path work from then on.
 */
import { randomUUID } from 'node:crypto'
import type { MqttFacade } from '../../actors/mqtt/MqttFacade.ts'
import { localIsoTimestamp } from '../../actors/mqtt/topics.ts'
import type { FacadeOwner, ProxyKind, ProxyName } from '../../actors/ProxyKind.ts'
import { ProxyUnavailable } from '../../actors/ProxyUnavailable.ts'
import type { RuntimeConfig } from '../config/loadConfig.ts'
import type { HealthSources, ProxyEntry } from '../health/detailedHealth.ts'
import type { ActorRef, ActorSystem, ChildSpec, Logger } from '../kernel/index.ts'
import { jobEventMessage } from '../mqtt/jobEvents.ts'
import type { JobEvent, JobSink } from '../petal/jobs.ts'
import type { LoadedPetal } from '../petal/loadPetals.ts'
import { type PetalMsg, type PetalServices, petalBehavior } from '../petal/petalActor.ts'
import { proxyKinds } from '../proxies/catalog.ts'
import { createWorkerPool, petalDir } from '../workers/workerPool.ts'

/** Petal actors take at most this long to `init`. */
export const PETAL_INIT_TIMEOUT_MS = 60_000

/**
 * The host's live view of the runtime.
 *
 * @category host
 */
export class RuntimeHost {
  /** Enabled now, in start order. */
  readonly enabledProxies: ProxyName[]
  readonly startupPetals: string[]
  readonly enabledPetals: string[]
  /** Every petal loaded so far, by name (enabled or not). */
  readonly petals = new Map<string, LoadedPetal>()
  /** Options of enabled proxies. */
  readonly proxyOptions: Map<ProxyName, unknown>
  private readonly facades = new Map<ProxyName, unknown>()
  /** Facades whose calls pass the `proxy.call.fail` fault point (petals get these when armed). */
  private readonly faultedFacades = new Map<ProxyName, unknown>()
  /** The worker-thread pool of `cpuHeavy` handlers. */
  readonly workers = createWorkerPool()
  private readonly jobListeners: ((e: JobEvent) => void)[] = []

  constructor(
    readonly config: RuntimeConfig,
    readonly system: ActorSystem,
    readonly log: Logger,
    readonly version: string,
    petals: readonly LoadedPetal[],
  ) {
    this.enabledProxies = [...config.enabledProxies]
    this.startupPetals = [...config.startupPetals]
    this.enabledPetals = [...config.enabledPetals]
    this.proxyOptions = new Map(config.proxyOptions)
    for (const p of petals) this.petals.set(p.name, p)
  }

  /** The petals to show in health: startup then enabled, in order. */
  get activePetals(): LoadedPetal[] {
    return [...this.startupPetals, ...this.enabledPetals].flatMap((n) => this.petals.get(n) ?? [])
  }

  /** A running proxy (kind and ref), when enabled. */
  proxyEntry(name: ProxyName): ProxyEntry | undefined {
    if (!this.enabledProxies.includes(name)) return undefined
    const ref = this.system.lookup(`/proxies/${name}`)
    const kind = proxyKinds[name]
    return ref === undefined || kind === undefined ? undefined : { kind, ref: ref as ActorRef<never> }
  }

  /** Every enabled proxy with its ref. */
  proxyEntries(): Map<ProxyName, ProxyEntry> {
    return new Map(
      this.enabledProxies.flatMap((n) => (this.proxyEntry(n) ? [[n, this.proxyEntry(n)!] as const] : [])),
    )
  }

  /**
   * The facade of an enabled proxy, made once per proxy; as `owner` sees it when given (a proxy
   * with `own` runs that owner's callbacks in its mailbox). An owner's (a petal's) calls pass the
   * `proxy.call.fail` fault point, the one place petals' proxy calls go through; the host's own don't.
   */
  facade(name: ProxyName, owner?: FacadeOwner): unknown {
    const entry = this.proxyEntry(name)
    if (entry === undefined) {
      this.facades.delete(name)
      this.faultedFacades.delete(name)
      return undefined
    }
    if (!this.facades.has(name)) this.facades.set(name, entry.kind.facade(entry.ref))
    const shared = this.facades.get(name)
    if (owner === undefined) return shared
    const seen = this.system.faults === null ? shared : this.faultedFacade(name, entry)
    return entry.kind.own === undefined ? seen : entry.kind.own(seen, owner)
  }

  private faultedFacade(name: ProxyName, entry: ProxyEntry): unknown {
    if (!this.faultedFacades.has(name)) {
      const ref = this.system.faults!.callsTo(
        entry.ref,
        name,
        () => new ProxyUnavailable(name, 'fault injected (proxy.call.fail)'),
      )
      this.faultedFacades.set(name, entry.kind.facade(ref))
    }
    return this.faultedFacades.get(name)
  }

  /** What health reads, always current. */
  healthSources(): HealthSources {
    return {
      system: this.system,
      proxies: () => this.proxyEntries(),
      petals: () => this.activePetals,
      version: this.version,
    }
  }

  /** The petal actor's ref. */
  petalRef(name: string): ActorRef<PetalMsg> | undefined {
    return this.system.lookup<PetalMsg>(`/petals/${name}`)
  }

  /** Registers a listener of job events (for example the MQTT publisher). */
  onJobEvent(listener: (e: JobEvent) => void): void {
    this.jobListeners.push(listener)
  }

  /** Job events: logged, and published on `command/web` when the mqtt proxy runs. */
  readonly jobSink: JobSink = (e) => {
    const fields = {
      petal: e.job.petal,
      job: e.job.id,
      state: e.job.state,
      progress: e.job.progress,
      error: e.job.error,
    }
    if (e.kind === 'progress') this.log.debug(fields, `job ${e.job.id} of ${e.job.petal}: progress`)
    else this.log.info(fields, `job ${e.job.id} of ${e.job.petal}: ${e.kind}`)
    const mqtt = this.facade('mqtt') as MqttFacade | undefined
    if (mqtt !== undefined) {
      const m = jobEventMessage(e)
      mqtt.publishMessage(m.payload, { qos: m.qos }).catch(() => {})
    }
    for (const l of this.jobListeners) l(e)
  }

  /** A phase-2 message on `command/web` (QoS 1); false when the mqtt proxy is not enabled. */
  async publish(
    command: string,
    payload: Readonly<Record<string, unknown>>,
    messageId: string = randomUUID(),
  ): Promise<boolean> {
    const mqtt = this.facade('mqtt') as MqttFacade | undefined
    if (mqtt === undefined) return false
    return mqtt.publishMessage({ messageId, command, timestamp: localIsoTimestamp(), payload }, { qos: 1 })
  }

  /** What a petal's context reaches. */
  petalServices(name: string): PetalServices {
    const file = this.petals.get(name)?.file ?? this.config.configDir
    return {
      runWorker: this.workers.runner(petalDir(file)),
      log: childLog(this.log, { petal: name }),
      facade: (proxy, owner) => this.facade(proxy, owner),
      subscribe: (prefix, topic, deliver) => {
        for (const proxy of this.enabledProxies) {
          const events = proxyKinds[proxy]?.events
          if (events?.prefix === prefix) return events.subscribe(this.facade(proxy), topic, deliver)
        }
        return undefined
      },
      jobSink: this.jobSink,
      publish: (event, payload, messageId) => this.publish(event, payload, messageId),
      settings: (this.config.petalSettings[name] ?? {}) as Record<string, unknown>,
    }
  }

  /** The child spec of a petal under `/petals`: its own budget, marked failed past it. */
  petalSpec(p: LoadedPetal): ChildSpec {
    const budget = this.config.supervision.byPetal[p.name] ?? this.config.supervision.petals
    const own = p.petal.supervision
    return {
      id: p.name,
      start: petalBehavior(p.petal, this.petalServices(p.name)),
      options: { initTimeoutMs: PETAL_INIT_TIMEOUT_MS },
      shutdownMs: own?.shutdownMs ?? budget.shutdownMs,
      budget: {
        intensity: own?.intensity ?? budget.intensity,
        periodMs: own?.periodMs ?? budget.periodMs,
        backoff: own?.backoff ?? budget.backoff,
        onExhausted: 'fail',
      },
    }
  }

  /** The child spec of a proxy under `/proxies`. */
  proxySpec(name: ProxyName, kind: ProxyKind, options: unknown): ChildSpec {
    const child = kind.child(options, this.proxyContext())
    return {
      id: name,
      start: child.start,
      ...(child.options === undefined ? {} : { options: child.options }),
      shutdownMs: child.shutdownMs ?? this.config.supervision.proxies.shutdownMs,
    }
  }

  proxyContext() {
    const c = this.config
    return { env: c.env, configDir: c.configDir, sim: c.sim, machineId: c.machineId, log: this.log }
  }
}

function childLog(log: Logger, fields: Record<string, unknown>): Logger {
  const withChild = log as Logger & { child?: (f: Record<string, unknown>) => Logger }
  return typeof withChild.child === 'function' ? withChild.child(fields) : log
}
