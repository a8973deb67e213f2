/**
 * The dashboard's side of inspection. It listens to the system without per-message events and
 * only holds what it hears (no conversion while no client is connected): every actor seen (kernel
 * actors and XState machines), each machine's last snapshot, the last 200 events and the last 500
 * log lines. A new WebSocket client first gets that picture, converted then, and afterwards the
 * live stream in batches every 50 ms: each event serialized once for all clients, actor and
 * supervision events always sent, at most 100 other events (machine events, log lines) per batch,
 * then each machine's latest snapshot of the batch (earlier ones coalesced); what was left out is
 * counted in one `@petal.skipped` event. The picture a human watches stays exact while a 20 000 events/s flow
 * costs the runtime little. A `@petal.tree` event (states, restarts, last errors, health) follows
 * each second. A client over 1 MiB behind misses events rather than slowing the runtime. At most
 * 200 finished machines are remembered. The Stately relay (`statelyRelay.ts`) streams every event.
 */
import type { ActorSystem, InspectionEvent } from '../kernel/index.ts'
import type { LogLine, LogRing } from '../log/logRing.ts'
import { isMachine, toStatelyEvent } from './statelyEvents.ts'

/** A connected client: a function that sends one JSON text, and how much it has not sent yet. */
export interface HubClient {
  send(text: string): void
  readonly bufferedAmount: number
}

/** An event as heard, converted only when a client needs it. */
interface Held {
  readonly e: InspectionEvent
  readonly at: number
}

type Pending = { readonly held: Held } | { readonly ready: unknown }

const STREAMED = new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@petal.supervision'])
const ALWAYS_SENT = new Set(['@xstate.actor', '@petal.supervision'])
const RECENT = 200
const MAX_MACHINES = 200
const MAX_BUFFERED = 1024 * 1024
const BATCH_MS = 50
const MAX_PER_BATCH = 100

const sessionOf = (e: InspectionEvent): string => (e.actorRef as { sessionId: string }).sessionId

/**
 * Aggregates inspection for dashboards.
 *
 * @category inspection
 */
export class InspectionHub {
  private readonly actors = new Map<string, Held>()
  private readonly snapshots = new Map<string, Held>()
  private readonly recent: Held[] = []
  private readonly clients = new Set<HubClient>()
  private pending: Pending[] = []
  private pendingSnapshots = new Map<string, Held>()
  private pendingSkipped = 0
  private budget = MAX_PER_BATCH
  private batch: NodeJS.Timeout | undefined
  private readonly off: () => void
  private readonly offLogs: () => void
  private readonly timer: NodeJS.Timeout
  /** Events not sent to a client that was too far behind. */
  dropped = 0
  /** Events that could not be serialized. */
  unconvertible = 0
  /** Events left out of a batch past its limit, or snapshots superseded within it. */
  skipped = 0

  constructor(
    private readonly system: ActorSystem,
    private readonly tree: () => Promise<unknown>,
    private readonly logs: LogRing | undefined,
  ) {
    this.off = system.inspect((e) => this.hear(e), { messages: false })
    this.offLogs = logs?.subscribe((line) => this.queue({ ready: logEvent(line) })) ?? (() => {})
    this.timer = setInterval(() => void this.sendTree(), 1000)
    this.timer.unref()
  }

  /** Adds a client and sends it the current picture. */
  async attach(client: HubClient): Promise<void> {
    this.clients.add(client)
    const picture = [...this.actors.values(), ...this.snapshots.values()]
    for (const h of this.recent)
      if (h.e.type !== '@xstate.actor' && h.e.type !== '@xstate.snapshot') picture.push(h)
    for (const h of picture) {
      const text = this.render(h)
      if (text !== undefined) this.sendTo(client, text)
    }
    for (const line of this.logs?.lines() ?? []) this.sendTo(client, JSON.stringify(logEvent(line)))
    this.sendTo(client, JSON.stringify(await this.treeEvent()))
  }

  detach(client: HubClient): void {
    this.clients.delete(client)
  }

  get clientCount(): number {
    return this.clients.size
  }

  close(): void {
    this.off()
    this.offLogs()
    clearInterval(this.timer)
    clearTimeout(this.batch)
    this.clients.clear()
    this.pending = []
    this.pendingSnapshots.clear()
  }

  private hear(e: InspectionEvent): void {
    if (!STREAMED.has(e.type)) return
    const held = { e, at: Date.now() }
    if (e.type === '@xstate.actor') {
      this.actors.set(sessionOf(e), held)
      this.forgetFinishedMachines()
    } else if (e.type === '@xstate.snapshot') {
      this.snapshots.set(sessionOf(e), held)
    }
    this.recent.push(held)
    if (this.recent.length > RECENT) this.recent.shift()
    this.queue({ held })
  }

  /**
   * Queues for the next batch in O(1): a snapshot replaces its machine's pending one; other events
   * past the batch's budget are only counted.
   */
  private queue(p: Pending): void {
    if (this.clients.size === 0) return
    if ('held' in p && p.held.e.type === '@xstate.snapshot') {
      if (this.pendingSnapshots.has(sessionOf(p.held.e))) this.pendingSkipped++
      this.pendingSnapshots.set(sessionOf(p.held.e), p.held)
    } else if (('held' in p && ALWAYS_SENT.has(p.held.e.type)) || this.budget-- > 0) {
      this.pending.push(p)
    } else {
      this.pendingSkipped++
    }
    if (this.batch === undefined) {
      this.batch = setTimeout(() => this.flush(), BATCH_MS)
      this.batch.unref()
    }
  }

  private flush(): void {
    const batch = this.pending
    const snapshots = this.pendingSnapshots
    const skipped = this.pendingSkipped
    this.batch = undefined
    this.pending = []
    this.pendingSnapshots = new Map()
    this.pendingSkipped = 0
    this.budget = MAX_PER_BATCH
    for (const p of batch) {
      const text = 'ready' in p ? JSON.stringify(p.ready) : this.render(p.held)
      if (text !== undefined) this.broadcast(text)
    }
    for (const held of snapshots.values()) {
      const text = this.render(held)
      if (text !== undefined) this.broadcast(text)
    }
    if (skipped > 0) {
      this.skipped += skipped
      this.broadcast(
        JSON.stringify({ type: '@petal.skipped', count: skipped, createdAt: Date.now().toString() }),
      )
    }
  }

  /** The event as one JSON text; `undefined` (and counted) when it cannot be serialized. */
  private render(h: Held): string | undefined {
    try {
      const e = toStatelyEvent(h.e, h.at)
      return e === undefined ? undefined : JSON.stringify(e)
    } catch (err) {
      this.unconvertible++
      this.system.log.debug({ err, type: h.e.type }, 'inspection event skipped: it could not be serialized')
      return undefined
    }
  }

  private forgetFinishedMachines(): void {
    const isMachineEntry = (h: Held) => isMachine((h.e.actorRef as { logic?: unknown }).logic)
    let machines = [...this.actors.values()].filter(isMachineEntry).length
    if (machines <= MAX_MACHINES) return
    for (const [sessionId, h] of this.actors) {
      if (!isMachineEntry(h)) continue
      const status = (this.snapshots.get(sessionId)?.e as { snapshot?: { status?: string } } | undefined)
        ?.snapshot?.status
      if (status === 'done' || status === 'stopped' || status === 'error') {
        this.actors.delete(sessionId)
        this.snapshots.delete(sessionId)
        if (--machines <= MAX_MACHINES) return
      }
    }
  }

  private broadcast(text: string): void {
    for (const c of this.clients) this.sendTo(c, text)
  }

  private sendTo(client: HubClient, text: string): void {
    if (client.bufferedAmount > MAX_BUFFERED) {
      this.dropped++
      return
    }
    try {
      client.send(text)
    } catch {
      this.clients.delete(client)
    }
  }

  private async treeEvent(): Promise<unknown> {
    return { type: '@petal.tree', createdAt: Date.now().toString(), tree: await this.tree() }
  }

  private async sendTree(): Promise<void> {
    if (this.clients.size === 0) return
    this.broadcast(JSON.stringify(await this.treeEvent()))
  }
}

function logEvent(line: LogLine): unknown {
  return { type: '@petal.log', ...line }
}
