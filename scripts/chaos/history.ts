/**
 * What a chaos run observed, as plain data (JSON-serialisable): the faults injected, every command
 * sent and every response seen, every local-DB write the runtime acknowledged, what the database,
 * DynamoDB and the vehicle held when the harness looked, the supervision events, the runtime's
 * exits, recovery times and resource samples. The invariant checkers (`checkers.ts`) read only
 * this, so a broken history can be built by hand to prove that each checker fails.
 * Times are milliseconds since the start of the run (`at`).
 */

/** One fault the schedule injects. `at` is when it starts; `durationMs` how long it lasts. */
export type FaultKind =
  | 'link-loss' // the MAVLink link loses `loss` (0..0.5) of frames each way
  | 'link-cut' // the MAVLink link loses everything
  | 'redis-kill' // kill -9 of redis-server, restarted after durationMs
  | 'mqtt-kill' // kill -9 of mosquitto, restarted after durationMs
  | 'cloud-down' // DynamoDB unreachable (connections cut and refused) for durationMs
  | 'petal-crash-loop' // the chaos petal's actor crashes `crashes` times in a row
  | 'runtime-kill' // kill -9 of the runtime; the harness restarts it after durationMs

/** A scheduled fault. */
export interface FaultEvent {
  /** Index in the full schedule (stable across shrinking). */
  readonly id: number
  readonly at: number
  readonly kind: FaultKind
  readonly durationMs: number
  /** link-loss: fraction of frames lost each way. */
  readonly loss?: number
  /** petal-crash-loop: how many crashes. */
  readonly crashes?: number
}

/** One response seen on the device's `response` topic. */
export interface ResponseRecord {
  readonly at: number
  readonly status: string
  /**
   * The response as received, canonical JSON, `timestamp` included: one answer delivered again
   * (a re-send from the outbox, or dedup answering a repeated `messageId`) is identical; a second
   * answer (the handler ran again) differs at least in its timestamp.
   */
  readonly body: string
}

/** One MQTT command with `waitResponse: true`. */
export interface CommandRecord {
  readonly messageId: string
  /** `petal-name/cmd` */
  readonly command: string
  /** Each time the load generator (re)sent it. */
  readonly sentAt: readonly number[]
  readonly responses: readonly ResponseRecord[]
}

/** A local-DB write the runtime acknowledged (its command answered success). */
export interface WriteRecord {
  readonly key: number
  readonly value: string
  readonly ackedAt: number
}

/** What the local DB held when the harness read it (after a runtime restart, and at the end). */
export interface DbCheck {
  readonly at: number
  /** Keys of the chaos table present, with their values. */
  readonly present: Readonly<Record<string, string>>
}

/** One item of the synced table as DynamoDB holds it at the end (after the outbox drained). */
export interface CloudItem {
  readonly key: number
  readonly value: string
  /** `_sync_version` of the item. */
  readonly version: number
}

/** One bulk parameter set, its report and the vehicle's values read right after the report. */
export interface ParamSetRecord {
  readonly messageId: string
  readonly requested: Readonly<Record<string, number>>
  /**
   * The report of the response, by name: `confirmed` true when the runtime reported the value
   * applied and echoed; absent when the command got no response (then nothing is checked).
   */
  readonly report?: Readonly<Record<string, { readonly confirmed: boolean }>>
  /** The vehicle's values of the requested names, read by the harness after the report arrived. */
  readonly vehicleAfter?: Readonly<Record<string, number>>
  /** The parameter types, by name ('REAL32' compares through Math.fround). */
  readonly types: Readonly<Record<string, 'INT' | 'REAL32'>>
}

/** A supervision event from `/ws/inspect` (`@petal.supervision`). */
export interface SupervisionRecord {
  readonly at: number
  /** Which runtime process (0 = first start, +1 per restart by the harness). */
  readonly incarnation: number
  readonly path: string
  readonly kind: 'started' | 'failed' | 'restart' | 'escalated' | 'stopped' | string
  /** The backoff announced with a `restart`. */
  readonly delayMs?: number
}

/** The restart policy of the actors under a path prefix, as the harness configured them. */
export interface RestartPolicy {
  readonly pathPrefix: string
  readonly intensity: number
  readonly periodMs: number
  readonly backoff: { readonly minMs: number; readonly maxMs: number }
}

/** How a runtime process ended. */
export interface ExitRecord {
  readonly at: number
  readonly incarnation: number
  readonly code: number | null
  readonly signal: string | null
  /** True when the harness killed or stopped it (a fault, or the end of the run). */
  readonly byHarness: boolean
}

/** A server outage: killed at `downAt`, running again at `upAt`, the proxy healthy at `healthyAt`. */
export interface RecoveryRecord {
  readonly server: 'redis' | 'mqtt' | 'cloud' | 'mavlink'
  readonly downAt: number
  readonly upAt: number
  /** Undefined when the proxy never became healthy again before the run ended. */
  readonly healthyAt?: number
}

/** A restart of the runtime by the harness: process started at `startedAt`, ready line at `readyAt`. */
export interface RuntimeStartRecord {
  readonly incarnation: number
  readonly startedAt: number
  readonly readyAt?: number
}

/** A resource sample of the runtime process. */
export interface ResourceSample {
  readonly at: number
  readonly incarnation: number
  readonly rssBytes: number
  readonly heapUsedBytes: number
  /** Active handles and requests (`process.getActiveResourcesInfo().length`). */
  readonly handles: number
}

/** Everything one run observed. */
export interface History {
  readonly seed: number
  /** Length of the load phase. */
  readonly durationMs: number
  /** When the load phase started (servers and the first runtime start come before it). */
  readonly loadStartAt: number
  /** The faults injected, their `at` on the history's time base (load-relative time + `loadStartAt`). */
  readonly schedule: readonly FaultEvent[]
  readonly commands: readonly CommandRecord[]
  readonly writes: readonly WriteRecord[]
  readonly dbChecks: readonly DbCheck[]
  /** Undefined when the run had no DynamoDB. */
  readonly cloudItems?: readonly CloudItem[]
  readonly paramSets: readonly ParamSetRecord[]
  readonly supervision: readonly SupervisionRecord[]
  readonly policies: readonly RestartPolicy[]
  readonly exits: readonly ExitRecord[]
  readonly recoveries: readonly RecoveryRecord[]
  readonly starts: readonly RuntimeStartRecord[]
  readonly samples: readonly ResourceSample[]
}
