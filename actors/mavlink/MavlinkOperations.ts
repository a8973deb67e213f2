/**
 * What the facade offers, on top of a session: send (with bursts), request/reply with retries,
 * and the parameter and reboot flows (each an XState machine run by `runFlow`). Every call fails
 * fast with `MavlinkUnavailable` while no autopilot is connected, and validation errors are thrown
 * before any frame is sent. `close()` cancels everything still running (`MavlinkClosed`). The
 * original's read conveniences (`getParamsBulkLossy`, `getAllParams`) are the facade's, built on
 * the reports given here.
 */
import {
  type ParamGetOptions,
  type ParamGetReport,
  type ParamReading,
  paramGetMachine,
} from '../../machines/paramGet.machine.ts'
import {
  type ParamSetOptions,
  type ParamSetReport,
  paramSetMachine,
} from '../../machines/paramSet.machine.ts'
import { normalizeParamSpecs, ParamSpecError, paramNameProblem } from '../../machines/paramSpec.ts'
import { type RebootOptions, type RebootResult, rebootMachine } from '../../machines/reboot.machine.ts'
import type { InspectionEvent } from '../../runtime/kernel/index.ts'
import { messageClass } from './codec/messages.ts'
import type { Dispatch } from './Dispatch.ts'
import { MavlinkCancelled, MavlinkTimeout, MavlinkUnavailable, MavlinkValidationError } from './errors.ts'
import type { MavlinkMessage } from './MavlinkMessage.ts'
import type { MavlinkSession } from './MavlinkSession.ts'
import { type ProgressListener, type RunningFlow, runFlow } from './runFlow.ts'
import type { Timers } from './transport/Transport.ts'

/** Burst options of `send` (the original's `burst_count`, `burst_interval`). */
export interface SendOptions {
  readonly burstCount?: number
  readonly burstIntervalMs?: number
}

/** What a `request` waits for. */
export interface ReplyMatch {
  /** Message name or id of the reply. */
  readonly reply: string | number
  /** Extra condition; by default any reply of that type from the target matches. */
  readonly where?: (message: MavlinkMessage) => boolean
}

/** Time-out and retries of a `request`. */
export interface RequestOptions {
  /** Per attempt, ms. Default 3000. */
  readonly timeoutMs?: number
  /** Resends after the first. Default 0. A COMMAND_LONG's `confirmation` is incremented each time. */
  readonly retries?: number
}

/** The original's confirmed-parameter shape. */
export interface ConfirmedParam {
  readonly name: string
  readonly value: number
  readonly raw: number | null
  readonly type: number
  readonly count: number | null
  readonly index: number | null
}

/** Options of a reboot. */
export interface RebootRequest extends RebootOptions {
  readonly rebootOnboardComputer?: boolean
  /** `ack` (default): the ACK decides, heartbeats only without one; `heartbeat`: drop and return decide. */
  readonly confirm?: 'ack' | 'heartbeat'
}

/**
 * The proxy's operations on one session.
 *
 * @category proxy
 */
export class MavlinkOperations {
  private readonly flows = new Set<RunningFlow<unknown>>()
  private readonly pending = new Set<() => void>()

  constructor(
    private readonly session: MavlinkSession,
    private readonly dispatch: Dispatch,
    private readonly timers: Timers,
    private readonly inspect?: (e: InspectionEvent) => void,
  ) {}

  private ready(): void {
    if (!this.session.connected || this.session.target === undefined)
      throw new MavlinkUnavailable('no autopilot heartbeat')
  }

  /** Sends `message` (a node-mavlink message) once or as a burst; returns frames sent now. */
  send(message: object, options: SendOptions = {}): number {
    if (
      typeof message !== 'object' ||
      message === null ||
      messageClass((message.constructor as { MSG_ID?: number }).MSG_ID ?? -1) === undefined
    )
      throw new MavlinkValidationError(
        'send expects a node-mavlink message instance (e.g. new common.CommandLong())',
      )
    this.ready()
    const count = Math.max(1, Math.floor(options.burstCount ?? 1))
    const interval = options.burstIntervalMs ?? 0
    if (interval <= 0) {
      let sent = 0
      for (let i = 0; i < count; i++) if (this.session.sendMessage(message)) sent++
      return sent
    }
    const sent = this.session.sendMessage(message) ? 1 : 0
    for (let i = 1; i < count; i++) {
      const cancel = this.timers.setTimeout(() => {
        this.pending.delete(cancel)
        this.session.sendMessage(message)
      }, i * interval)
      this.pending.add(cancel)
    }
    return sent
  }

  /** Sends `message` and resolves with the first matching reply from the target; resends on time-out. */
  request(message: object, match: ReplyMatch, options: RequestOptions = {}): Promise<MavlinkMessage> {
    this.ready()
    const timeoutMs = options.timeoutMs ?? 3000
    const retries = Math.max(0, options.retries ?? 0)
    const target = this.session.target!
    return new Promise((resolve, reject) => {
      let attempts = 0
      let cancelTimer: (() => void) | undefined
      const finish = (): void => {
        off()
        cancelTimer?.()
        this.pending.delete(abort)
      }
      const abort = (): void => {
        finish()
        reject(new MavlinkUnavailable('the proxy stopped'))
      }
      const off = this.dispatch.add(match.reply, (m) => {
        if (m.sysid !== target.sysid) return
        if (match.where !== undefined && !match.where(m)) return
        finish()
        resolve(m)
      })
      const attempt = (): void => {
        attempts++
        if (attempts > 1 && 'confirmation' in message) {
          const c = message as { confirmation: number }
          c.confirmation = Math.min(255, c.confirmation + 1)
        }
        this.session.sendMessage(message)
        cancelTimer = this.timers.setTimeout(() => {
          if (attempts <= retries) attempt()
          else {
            finish()
            reject(new MavlinkTimeout(`reply ${match.reply}`, timeoutMs, attempts))
          }
        }, timeoutMs)
      }
      this.pending.add(abort)
      attempt()
    })
  }

  /** Runs a flow; aborting `signal` stops it (its result rejects with `MavlinkCancelled`). */
  private run<T>(make: () => RunningFlow<T>, signal?: AbortSignal): Promise<T> {
    this.ready()
    if (signal?.aborted) return Promise.reject(new MavlinkCancelled(String(signal.reason ?? 'aborted')))
    const flow = make()
    this.flows.add(flow as RunningFlow<unknown>)
    const onAbort = (): void => flow.cancel(new MavlinkCancelled(describeReason(signal?.reason)))
    signal?.addEventListener('abort', onAbort, { once: true })
    return flow.result.finally(() => {
      signal?.removeEventListener('abort', onAbort)
      this.flows.delete(flow as RunningFlow<unknown>)
    })
  }

  /** The full report of a bulk set. Throws `ParamSpecError` (VALIDATION_ERROR) before sending anything. */
  setParamsBulk(
    params: unknown,
    options: ParamSetOptions = {},
    onProgress?: ProgressListener,
    signal?: AbortSignal,
  ): Promise<ParamSetReport> {
    const list = normalizeParamSpecs(params, (n) => this.session.paramTypes.get(n))
    const s = this.session
    return this.run(
      () =>
        runFlow(
          s,
          paramSetMachine,
          { params: list, encoding: s.encoding, options, now: () => s.clock.now() },
          this.flowOptions(onProgress),
        ),
      signal,
    )
  }

  /** The original's `set_params_bulk_lossy`: confirmed names only; the full report as `.report`. */
  async setParamsBulkLossy(
    params: unknown,
    options: ParamSetOptions = {},
    onProgress?: ProgressListener,
  ): Promise<Record<string, ConfirmedParam> & { readonly report?: ParamSetReport }> {
    const report = await this.setParamsBulk(params, options, onProgress)
    const out: Record<string, ConfirmedParam> = {}
    for (const [name, r] of Object.entries(report.results)) {
      if (r.status === 'confirmed')
        out[name] = { name, value: r.value, raw: r.raw, type: r.type, count: r.count, index: r.index }
    }
    Object.defineProperty(out, 'report', { value: report, enumerable: false })
    return out
  }

  /** The full report of a read by names. */
  getParamsBulk(
    names: readonly string[],
    options: ParamGetOptions = {},
    onProgress?: ProgressListener,
    signal?: AbortSignal,
  ): Promise<ParamGetReport> {
    const problems = names.map(paramNameProblem).filter((p): p is string => p !== undefined)
    if (!Array.isArray(names) || names.length === 0)
      problems.push('expected a non-empty list of parameter names')
    if (problems.length > 0) throw new ParamSpecError(problems)
    const s = this.session
    return this.run(
      () =>
        runFlow(
          s,
          paramGetMachine,
          { names: [...new Set(names)], encoding: s.encoding, options, now: () => s.clock.now() },
          this.flowOptions(onProgress),
        ),
      signal,
    )
  }

  /** The full report of a read of all parameters (list, then repair by index). */
  getAllParamsReport(
    options: ParamGetOptions = {},
    onProgress?: ProgressListener,
    signal?: AbortSignal,
  ): Promise<ParamGetReport> {
    const s = this.session
    return this.run(
      () =>
        runFlow(
          s,
          paramGetMachine,
          { encoding: s.encoding, options, now: () => s.clock.now() },
          this.flowOptions(onProgress),
        ),
      signal,
    )
  }

  /** One parameter; `MavlinkTimeout` when it cannot be read within `timeoutMs` (default 3000). */
  async getParam(name: string, options: { readonly timeoutMs?: number } = {}): Promise<ParamReading> {
    const timeoutMs = options.timeoutMs ?? 3000
    const report = await this.getParamsBulk([name], { timeoutTotal: timeoutMs / 1000 })
    const r = report.params[name]
    if (r === undefined) throw new MavlinkTimeout(`PARAM_VALUE ${name}`, timeoutMs, report.transmissions)
    return r
  }

  /** Sets one parameter and verifies the echo (the original did not). */
  async setParam(
    name: string,
    value: number,
    type?: string | number,
    options: { readonly timeoutMs?: number } = {},
  ) {
    const spec = type === undefined ? value : { value, type }
    const report = await this.setParamsBulk(
      { [name]: spec },
      { timeoutTotal: (options.timeoutMs ?? 3000) / 1000 },
    )
    return { name, ...report.results[name]! }
  }

  /** Reboots the autopilot. */
  rebootAutopilot(request: RebootRequest = {}, signal?: AbortSignal): Promise<RebootResult> {
    const s = this.session
    const { rebootOnboardComputer, confirm, ...options } = request
    return this.run(
      () =>
        runFlow(
          s,
          rebootMachine,
          {
            mode: confirm ?? 'ack',
            rebootOnboardComputer: rebootOnboardComputer ?? false,
            options,
            ...(s.lastHeartbeatAt === undefined ? {} : { lastHeartbeatAt: s.lastHeartbeatAt }),
            now: () => s.clock.now(),
          },
          this.flowOptions(),
        ),
      signal,
    )
  }

  /** Flows and requests still running. */
  get active(): number {
    return this.flows.size + this.pending.size
  }

  /** Cancels every flow, request and burst. */
  close(): void {
    for (const f of [...this.flows]) f.cancel()
    for (const p of [...this.pending]) p()
    this.flows.clear()
    this.pending.clear()
  }

  private flowOptions(onProgress?: ProgressListener) {
    return {
      ...(this.inspect === undefined ? {} : { inspect: this.inspect }),
      ...(onProgress === undefined ? {} : { onProgress }),
    }
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message
  return reason === undefined ? 'aborted' : String(reason)
}
