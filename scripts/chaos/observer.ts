/**
 * Watches the runtime while the chaos run goes on: polls `/health/detailed` every 200 ms, samples
 * its memory and handles every 2 s (health's `process` section), keeps the fault points' fired
 * counts, and times each recovery: from a server's return to its proxy healthy again in health
 * (Redis, MQTT, the MAVLink link; for DynamoDB, the sync pusher no longer offline). A proxy that
 * looked healthy throughout (an outage shorter than it noticed) counts as recovered at the
 * server's return.
 */
import type { RecoveryRecord, ResourceSample } from './history.ts'
import type { RuntimeManager } from './runtimeManager.ts'

type Json = Record<string, unknown>

/** True when health says `server`'s proxy works again. */
function healthyIn(health: Json, server: RecoveryRecord['server']): boolean {
  const proxies = (health.proxies ?? {}) as Record<string, Json | undefined>
  switch (server) {
    case 'redis':
      return proxies.redis?.status === 'healthy'
    case 'mqtt':
      return proxies.mqtt?.status === 'healthy'
    case 'mavlink':
      return proxies.ext_mavlink?.status === 'healthy'
    case 'cloud': {
      const sync = (proxies.db?.sync ?? {}) as Json
      return sync.state !== undefined && sync.state !== 'offline'
    }
  }
}

/** The observer of one run. */
export class Observer {
  readonly recoveries: RecoveryRecord[] = []
  readonly samples: ResourceSample[] = []
  /** How often each fault point fired, per runtime incarnation (its latest count). */
  readonly faultsFired = new Map<number, Record<string, number>>()
  /** The latest health document, while the runtime answers. */
  health: Json | undefined
  private readonly pending: {
    server: RecoveryRecord['server']
    downAt: number
    upAt: number | undefined
    sawDown: boolean
    sawUp: boolean
  }[] = []
  private poll: NodeJS.Timeout | undefined
  private sample: NodeJS.Timeout | undefined
  private busy = false

  constructor(
    private readonly runtime: RuntimeManager,
    private readonly now: () => number,
  ) {}

  start(): void {
    this.poll = setInterval(() => void this.tick(), 200)
    this.sample = setInterval(() => this.takeSample(), 2000)
  }

  stop(): void {
    clearInterval(this.poll)
    clearInterval(this.sample)
    for (const { server, downAt, upAt } of this.pending.splice(0))
      this.recoveries.push({ server, downAt, upAt: upAt ?? downAt })
  }

  /** `server` went down at `downAt`; call the returned function when it is back. */
  outage(server: RecoveryRecord['server'], downAt: number): (upAt: number) => void {
    const p = { server, downAt, upAt: undefined as number | undefined, sawDown: false, sawUp: false }
    this.pending.push(p)
    return (upAt) => {
      p.upAt = upAt
    }
  }

  private async tick(): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      const health = await this.runtime.getJson('/health/detailed', 2000)
      this.health = health
      if (health === undefined) return
      const fired = (health.faults as { fired?: Record<string, number> } | undefined)?.fired
      if (fired !== undefined) this.faultsFired.set(this.runtime.current, fired)
      const at = this.now()
      for (const p of [...this.pending]) {
        // Health read during the outage tells whether the proxy noticed it: one that looked
        // healthy throughout (an outage shorter than it noticed) recovered at the server's return,
        // once a second of health says so; otherwise at the first healthy reading.
        const healthy = healthyIn(health, p.server)
        if (!healthy) p.sawDown = true
        else if (p.upAt === undefined) p.sawUp = true
        if (!healthy || p.upAt === undefined) continue
        const unnoticed = !p.sawDown && p.sawUp
        if (unnoticed && at - p.upAt < 1000) continue
        this.pending.splice(this.pending.indexOf(p), 1)
        this.recoveries.push({
          server: p.server,
          downAt: p.downAt,
          upAt: p.upAt,
          healthyAt: unnoticed ? p.upAt : at,
        })
      }
    } finally {
      this.busy = false
    }
  }

  private takeSample(): void {
    const proc = this.health?.process as
      | { rss_bytes?: number; heap_used_bytes?: number; handles?: number }
      | undefined
    if (this.runtime.httpUrl === undefined || proc?.rss_bytes === undefined) return
    this.samples.push({
      at: this.now(),
      incarnation: this.runtime.current,
      rssBytes: proc.rss_bytes,
      heapUsedBytes: proc.heap_used_bytes ?? 0,
      handles: proc.handles ?? 0,
    })
  }
}
