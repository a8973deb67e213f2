/**
 * The dashboard's side of inspection: it listens to the system without per-message events (so the
 * hot path pays nothing), keeps the actors seen (kernel actors and XState machines, with their
 * last snapshot), the last 200 events and the last 500 log lines, and streams them to WebSocket
 * clients: a new client first gets the current picture, then every event as it happens, plus a
 * `@petal.tree` event each second (the tree with states, restarts, last errors, and health). A
 * client that falls behind (over 1 MiB unsent) misses events rather than slowing the runtime.
 * At most 200 finished machines are remembered.
 */
import type { ActorSystem } from '../kernel/index.ts'
import type { LogLine, LogRing } from '../log/logRing.ts'
import { type StatelyEvent, toStatelyEvent } from './statelyEvents.ts'

/** A connected client: a function that sends one JSON text, and how much it has not sent yet. */
export interface HubClient {
  send(text: string): void
  readonly bufferedAmount: number
}

const RECENT = 200
const MAX_MACHINES = 200
const MAX_BUFFERED = 1024 * 1024

/**
 * Aggregates inspection for dashboards.
 *
 * @category inspection
 */
export class InspectionHub {
  private readonly actors = new Map<string, StatelyEvent>()
  private readonly snapshots = new Map<string, StatelyEvent>()
  private readonly recent: StatelyEvent[] = []
  private readonly clients = new Set<HubClient>()
  private readonly off: () => void
  private readonly offLogs: () => void
  private readonly timer: NodeJS.Timeout
  /** Events not sent to a client that was too far behind. */
  dropped = 0
  /** Events that could not be serialized. */
  unconvertible = 0

  constructor(
    system: ActorSystem,
    private readonly tree: () => Promise<unknown>,
    private readonly logs: LogRing | undefined,
  ) {
    this.off = system.inspect(
      (e) => {
        // One event that cannot be converted must not unsubscribe the hub from the bus.
        try {
          this.onEvent(toStatelyEvent(e))
        } catch (err) {
          this.unconvertible++
          system.log.debug({ err, type: e.type }, 'inspection event skipped: it could not be serialized')
        }
      },
      { messages: false },
    )
    this.offLogs = logs?.subscribe((line) => this.broadcast(logEvent(line))) ?? (() => {})
    this.timer = setInterval(() => void this.sendTree(), 1000)
    this.timer.unref()
  }

  /** Adds a client and sends it the current picture. */
  async attach(client: HubClient): Promise<void> {
    this.clients.add(client)
    for (const e of this.actors.values()) this.sendTo(client, e)
    for (const e of this.snapshots.values()) this.sendTo(client, e)
    for (const e of this.recent)
      if (e.type !== '@xstate.actor' && e.type !== '@xstate.snapshot') this.sendTo(client, e)
    for (const line of this.logs?.lines() ?? []) this.sendTo(client, logEvent(line))
    this.sendTo(client, await this.treeEvent())
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
    this.clients.clear()
  }

  private onEvent(e: StatelyEvent | undefined): void {
    if (e === undefined) return
    if (e.type === '@xstate.actor') {
      this.actors.set(e.sessionId, e)
      this.forgetFinishedMachines()
    } else if (e.type === '@xstate.snapshot') {
      this.snapshots.set(e.sessionId, e)
    }
    this.recent.push(e)
    if (this.recent.length > RECENT) this.recent.shift()
    this.broadcast(e)
  }

  private forgetFinishedMachines(): void {
    const machines = [...this.actors.values()].filter((a) => a.mermaid !== undefined)
    if (machines.length <= MAX_MACHINES) return
    for (const m of machines) {
      const status = (this.snapshots.get(m.sessionId)?.snapshot as { status?: string } | undefined)?.status
      if (status === 'done' || status === 'stopped' || status === 'error') {
        this.actors.delete(m.sessionId)
        this.snapshots.delete(m.sessionId)
        if ([...this.actors.values()].filter((a) => a.mermaid !== undefined).length <= MAX_MACHINES) return
      }
    }
  }

  private broadcast(e: unknown): void {
    for (const c of this.clients) this.sendTo(c, e)
  }

  private sendTo(client: HubClient, e: unknown): void {
    if (client.bufferedAmount > MAX_BUFFERED) {
      this.dropped++
      return
    }
    try {
      client.send(JSON.stringify(e))
    } catch {
      this.clients.delete(client)
    }
  }

  private async treeEvent(): Promise<unknown> {
    return { type: '@petal.tree', createdAt: Date.now().toString(), tree: await this.tree() }
  }

  private async sendTree(): Promise<void> {
    if (this.clients.size === 0) return
    this.broadcast(await this.treeEvent())
  }
}

function logEvent(line: LogLine): unknown {
  return { type: '@petal.log', ...line }
}
