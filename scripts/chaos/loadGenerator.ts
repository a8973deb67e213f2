/**
 * The chaos run's load, as the users' side would make it: a web app on MQTT (its own mqtt.js
 * client) sending commands with `waitResponse` (local-DB writes marked for sync, pings, crash
 * commands) and re-sending every unanswered one with the same `messageId` every 3 s, as a real app
 * does after an outage; bulk parameter sets over HTTP, one at a time, each report checked against
 * the vehicle's values read right after it; and Redis pub/sub messages from its own client.
 */
import { Redis } from 'ioredis'
import mqtt, { type MqttClient } from 'mqtt'
import stableStringify from 'safe-stable-stringify'
import { seededRandom } from '../../runtime/kernel/index.ts'
import type { CommandRecord, ParamSetRecord, ResponseRecord, WriteRecord } from './history.ts'
import type { RuntimeManager } from './runtimeManager.ts'
import type { ChaosVehicle, SettableParam } from './vehicle.ts'

/** Where the load goes. */
export interface LoadTargets {
  readonly mqttPort: number
  readonly redisPort: number
  /** `org/<org>/device/Instance-<machine>` */
  readonly base: string
  readonly runtime: RuntimeManager
  readonly vehicle: ChaosVehicle
  readonly now: () => number
  readonly seed: number
}

interface Pending {
  readonly messageId: string
  readonly command: string
  readonly payload: Record<string, unknown>
  readonly sentAt: number[]
  readonly responses: ResponseRecord[]
  onAnswer?: (r: Record<string, unknown>) => void
}

const RESEND_MS = 3000

/** The load generator; `start()`, then `stopLoad()`, then `settle()`. */
export class LoadGenerator {
  readonly writes: WriteRecord[] = []
  readonly paramSets: ParamSetRecord[] = []
  /** Pub/sub messages published (acknowledged by redis-server). */
  published = 0
  private nextSeq = 0
  private readonly commands = new Map<string, Pending>()
  private readonly random: () => number
  private client: MqttClient | undefined
  private redis: Redis | undefined
  private timers: NodeJS.Timeout[] = []
  private loading = false
  private seq = 0
  private nextKey = 0
  private paramLoop: Promise<void> | undefined
  private settable: readonly SettableParam[] = []

  constructor(private readonly t: LoadTargets) {
    this.random = seededRandom(t.seed ^ 0x5eed)
  }

  async start(): Promise<void> {
    const client = mqtt.connect(`mqtt://127.0.0.1:${this.t.mqttPort}`, {
      protocolVersion: 5,
      clientId: `chaos-app-${this.t.seed}`,
      reconnectPeriod: 250,
      connectTimeout: 3000,
    })
    this.client = client
    client.on('error', () => {})
    client.on('connect', () => {
      client.subscribe(`${this.t.base}/response`, { qos: 1 }, () => {})
    })
    client.on('message', (_topic, payload) => this.onResponse(payload))
    await new Promise<void>((resolve) => client.once('connect', () => resolve()))
    this.redis = new Redis({
      port: this.t.redisPort,
      host: '127.0.0.1',
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 200,
    })
    this.redis.on('error', () => {})
    this.settable = this.t.vehicle.settable()
    this.loading = true
    this.every(250, () => this.write())
    this.every(1000, () => this.send('petal-example/ping', {}))
    this.every(250, () => this.publish())
    this.every(RESEND_MS, () => this.resendUnanswered(), true)
    this.paramLoop = this.paramSetLoop()
  }

  /** A crash loop: `crashes` crash commands to the chaos petal, 300 ms apart. */
  crashLoop(crashes: number): void {
    for (let i = 0; i < crashes; i++)
      this.timers.push(setTimeout(() => this.send('petal-chaos/crash', { afterMs: 0 }), i * 300))
  }

  /**
   * Publishes one more message and waits until the chaos petal has seen it (`lastSeq()` reads the
   * petal's last received sequence number): Redis pub/sub works again after every outage.
   * Resolves with the delivery time in ms, or undefined when it did not arrive within 10 s.
   */
  async probePubsub(lastSeq: () => Promise<number | undefined>): Promise<number | undefined> {
    const deadline = Date.now() + 10_000
    const sent = Date.now()
    const seq = this.nextSeq++
    while (Date.now() < deadline) {
      if (this.redis?.status === 'ready') {
        const ok = await this.redis.publish('chaos:ping', String(seq)).then(
          () => true,
          () => false,
        )
        if (ok) break
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    while (Date.now() < deadline) {
      if (((await lastSeq()) ?? -1) >= seq) return Date.now() - sent
      await new Promise((r) => setTimeout(r, 100))
    }
    return undefined
  }

  /** Ends the load: no new commands, sets or messages (re-sends go on until `settle`). */
  async stopLoad(): Promise<void> {
    this.loading = false
    await this.paramLoop
  }

  /** Re-sends until every command is answered or `timeoutMs` passes; then closes the clients. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline && [...this.commands.values()].some((c) => c.responses.length === 0))
      await new Promise((r) => setTimeout(r, 250))
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    await this.client?.endAsync(true).catch(() => {})
    this.redis?.disconnect()
  }

  /** Every command sent, with its sends and responses. */
  commandRecords(): CommandRecord[] {
    return [...this.commands.values()].map((c) => ({
      messageId: c.messageId,
      command: c.command,
      sentAt: c.sentAt,
      responses: c.responses,
    }))
  }

  /** Runs `fn` every `ms` while the load runs (`always`: until `settle` ends). */
  private every(ms: number, fn: () => void, always = false): void {
    this.timers.push(
      setInterval(() => {
        if (this.loading || always) fn()
      }, ms),
    )
  }

  private send(command: string, payload: Record<string, unknown>, onAnswer?: Pending['onAnswer']): void {
    const messageId = `chaos-${this.t.seed}-${++this.seq}`
    const p: Pending = {
      messageId,
      command,
      payload,
      sentAt: [],
      responses: [],
      ...(onAnswer === undefined ? {} : { onAnswer }),
    }
    this.commands.set(messageId, p)
    this.transmit(p)
  }

  private transmit(p: Pending): void {
    p.sentAt.push(this.t.now())
    const doc = { messageId: p.messageId, command: p.command, payload: p.payload, waitResponse: true }
    this.client?.publish(`${this.t.base}/command/edge`, JSON.stringify(doc), { qos: 1 }, () => {})
  }

  private resendUnanswered(): void {
    const now = this.t.now()
    for (const p of this.commands.values())
      if (p.responses.length === 0 && now - p.sentAt[p.sentAt.length - 1]! >= RESEND_MS) this.transmit(p)
  }

  private onResponse(payload: Buffer): void {
    let doc: Record<string, unknown>
    try {
      doc = JSON.parse(payload.toString()) as Record<string, unknown>
    } catch {
      return
    }
    const p = this.commands.get(String(doc.messageId))
    if (p === undefined) return
    const first = p.responses.length === 0
    p.responses.push({ at: this.t.now(), status: String(doc.status), body: stableStringify(doc) })
    if (first) p.onAnswer?.(doc)
  }

  private write(): void {
    const key = this.nextKey++
    const value = `v${key}-${Math.floor(this.random() * 1e9).toString(36)}`
    this.send('petal-chaos/write', { key, value }, (doc) => {
      if (doc.status === 'success') this.writes.push({ key, value, ackedAt: this.t.now() })
    })
  }

  private publish(): void {
    const r = this.redis
    if (r === undefined || r.status !== 'ready') return
    r.publish('chaos:ping', String(this.nextSeq++)).then(
      () => {
        this.published++
      },
      () => {},
    )
  }

  private async paramSetLoop(): Promise<void> {
    let n = 0
    while (this.loading) {
      await this.t.runtime.whenReady()
      if (!this.loading) break
      await this.paramSet(`set-${this.t.seed}-${++n}`)
      await new Promise((r) => setTimeout(r, 1500))
    }
  }

  /** One bulk set of 4 random parameters over HTTP; the vehicle is read right after the report. */
  private async paramSet(messageId: string): Promise<void> {
    const requested: Record<string, number> = {}
    const types: Record<string, 'INT' | 'REAL32'> = {}
    const parameters: Record<string, [number, string]> = {}
    while (Object.keys(requested).length < 4) {
      const p = this.settable[Math.floor(this.random() * this.settable.length)]!
      const value =
        p.type === 'REAL32' ? Math.round(this.random() * 100_000) / 1000 : Math.floor(this.random() * 1000)
      requested[p.name] = value
      types[p.name] = p.type === 'REAL32' ? 'REAL32' : 'INT'
      parameters[p.name] = [value, p.type]
    }
    const record: { -readonly [K in keyof ParamSetRecord]: ParamSetRecord[K] } = {
      messageId,
      requested,
      types,
    }
    this.paramSets.push(record)
    const url = this.t.runtime.httpUrl
    if (url === undefined) return
    let body: { data?: { confirmed?: Record<string, unknown>; unconfirmed?: { name: string }[] } }
    try {
      const r = await fetch(`${url}/petals/petal-parameter-config/parameters`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ parameters, timeout: 15 }),
        signal: AbortSignal.timeout(60_000),
      })
      body = (await r.json()) as typeof body
    } catch {
      return // the runtime died mid-set: no report, nothing claimed
    }
    const report: Record<string, { confirmed: boolean }> = {}
    if (body.data?.confirmed === undefined && body.data?.unconfirmed === undefined) {
      // The whole set was refused (no autopilot, link down): every name reported not applied.
      for (const name of Object.keys(requested)) report[name] = { confirmed: false }
    }
    for (const name of Object.keys(body.data?.confirmed ?? {})) report[name] = { confirmed: true }
    for (const u of body.data?.unconfirmed ?? []) report[u.name] = { confirmed: false }
    const vehicleAfter: Record<string, number> = {}
    for (const name of Object.keys(requested)) {
      const v = this.t.vehicle.value(name)
      if (v !== undefined) vehicleAfter[name] = v
    }
    record.report = report
    record.vehicleAfter = vehicleAfter
  }
}
