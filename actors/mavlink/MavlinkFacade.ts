/**
 * What petals (and `createMavlinkProxy` users) call: the original's `MavLinkExternalProxy`
 * methods, camel-cased, each a message to the proxy actor answered when its operation completes.
 * Call time limits follow the operation's own deadline plus 5 s, so the actor's answer (a result,
 * a partial result, or a typed error) always arrives first. `on` returns the unsubscribe
 * function at once; an unknown message name throws at once.
 */

import type { ParamGetOptions, ParamGetReport, ParamReading } from '../../machines/paramGet.machine.ts'
import type { ParamSetOptions, ParamSetReport, ParamSetResult } from '../../machines/paramSet.machine.ts'
import type { RebootResult } from '../../machines/reboot.machine.ts'
import type { ActorRef } from '../../runtime/kernel/index.ts'
import { type MessageHandler, resolveKey, type SubscribeOptions, type SubscriptionKey } from './Dispatch.ts'
import { MavlinkUnavailable } from './errors.ts'
import type { MavlinkMessage } from './MavlinkMessage.ts'
import type {
  ConfirmedParam,
  RebootRequest,
  ReplyMatch,
  RequestOptions,
  SendOptions,
} from './MavlinkOperations.ts'
import type { MavlinkProxyMsg, MavlinkStatus } from './proxyBehavior.ts'
import type { ProgressListener } from './runFlow.ts'

const MARGIN_MS = 5_000

/**
 * The typed facade of `ext_mavlink`.
 *
 * @example
 * const mav = ctx.proxy('ext_mavlink')
 * const off = mav.on('HEARTBEAT', (m) => ctx.log.info({ sys: m.sysid }, 'heartbeat'))
 * const confirmed = await mav.setParamsBulkLossy({ RTL_ALT: 1500, WPNAV_SPEED: [500, 'REAL32'] })
 *
 * @category proxy
 */
export class MavlinkFacade {
  constructor(readonly ref: ActorRef<MavlinkProxyMsg>) {}

  /** Subscribes to a message name, id, or `'*'`; returns the unsubscribe function. */
  on(key: SubscriptionKey, handler: MessageHandler, options: SubscribeOptions = {}): () => void {
    resolveKey(key)
    const token = {}
    if (!this.ref.tell({ type: 'subscribe', token, key, handler, options }))
      throw new MavlinkUnavailable('the proxy actor is not running')
    return () => {
      this.ref.tell({ type: 'unsubscribe', token })
    }
  }

  /** Sends a node-mavlink message (once, or `burstCount` times `burstIntervalMs` apart). */
  send(message: object, options: SendOptions = {}): Promise<number> {
    return this.ref.ask({ type: 'send', message, options }, { timeoutMs: MARGIN_MS })
  }

  /** Sends and waits for a reply (the original's `send_and_wait`, with retries). */
  request(message: object, match: ReplyMatch, options: RequestOptions = {}): Promise<MavlinkMessage> {
    const ms = (options.timeoutMs ?? 3000) * (1 + (options.retries ?? 0)) + MARGIN_MS
    return this.ref.ask({ type: 'request', message, match, options }, { timeoutMs: ms })
  }

  /** One parameter, by name. */
  getParam(name: string, options: { readonly timeoutMs?: number } = {}): Promise<ParamReading> {
    const ms = (options.timeoutMs ?? 3000) + MARGIN_MS
    return this.ref.ask({ type: 'getParam', name, ...options }, { timeoutMs: ms })
  }

  /** Sets one parameter and verifies the echo. */
  setParam(
    name: string,
    value: number,
    type?: string | number,
    options: { readonly timeoutMs?: number } = {},
  ): Promise<ParamSetResult & { readonly name: string }> {
    const ms = (options.timeoutMs ?? 3000) + MARGIN_MS
    return this.ref.ask(
      { type: 'setParam', name, value, ...(type === undefined ? {} : { paramType: type }), ...options },
      { timeoutMs: ms },
    )
  }

  /** The original's `set_params_bulk_lossy`: confirmed names; the full report as `.report`. */
  setParamsBulkLossy(
    params: unknown,
    options: ParamSetOptions = {},
    onProgress?: ProgressListener,
  ): Promise<Record<string, ConfirmedParam> & { readonly report?: ParamSetReport }> {
    return this.ref.ask(
      {
        type: 'setParams',
        params,
        options,
        full: false,
        ...(onProgress === undefined ? {} : { onProgress }),
      },
      { timeoutMs: (options.timeoutTotal ?? 8) * 1000 + MARGIN_MS },
    )
  }

  /** A bulk set's full per-name report; aborting `signal` stops it (`MavlinkCancelled`). */
  setParamsBulk(
    params: unknown,
    options: ParamSetOptions = {},
    onProgress?: ProgressListener,
    signal?: AbortSignal,
  ): Promise<ParamSetReport> {
    return this.ref.ask(
      {
        type: 'setParams',
        params,
        options,
        full: true,
        ...(onProgress === undefined ? {} : { onProgress }),
        ...(signal === undefined ? {} : { signal }),
      },
      { timeoutMs: (options.timeoutTotal ?? 8) * 1000 + MARGIN_MS },
    )
  }

  /** The original's `get_params_bulk_lossy`: what was read, by name. */
  async getParamsBulkLossy(
    names: readonly string[],
    options: ParamGetOptions = {},
  ): Promise<Record<string, ParamReading>> {
    return { ...(await this.getParamsBulk(names, options)).params }
  }

  /** A read by names, with the missing names; aborting `signal` stops it. */
  getParamsBulk(
    names: readonly string[],
    options: ParamGetOptions = {},
    onProgress?: ProgressListener,
    signal?: AbortSignal,
  ): Promise<ParamGetReport> {
    return this.ref.ask(
      {
        type: 'getParams',
        names,
        options,
        ...(onProgress === undefined ? {} : { onProgress }),
        ...(signal === undefined ? {} : { signal }),
      },
      { timeoutMs: (options.timeoutTotal ?? 6) * 1000 + MARGIN_MS },
    )
  }

  /** The original's `get_all_params`: every parameter, by name (partial at the deadline). */
  async getAllParams(options: ParamGetOptions = {}): Promise<Record<string, ParamReading>> {
    return { ...(await this.getAllParamsReport(options)).params }
  }

  /** A read of all parameters, with count and missing indices; aborting `signal` stops it. */
  getAllParamsReport(
    options: ParamGetOptions = {},
    onProgress?: ProgressListener,
    signal?: AbortSignal,
  ): Promise<ParamGetReport> {
    return this.ref.ask(
      {
        type: 'getAllParams',
        options,
        ...(onProgress === undefined ? {} : { onProgress }),
        ...(signal === undefined ? {} : { signal }),
      },
      { timeoutMs: (options.timeoutTotal ?? 30) * 1000 + MARGIN_MS },
    )
  }

  /** Reboots the autopilot (defaults from `PETAL_REBOOT_*`). */
  rebootAutopilot(request: RebootRequest = {}, signal?: AbortSignal): Promise<RebootResult> {
    const ms =
      ((request.ackTimeout ?? 3) +
        (request.inProgressTimeout ?? 3) +
        (request.hbDropWindow ?? 5) +
        (request.hbReturnWindow ?? 30)) *
        1000 +
      MARGIN_MS
    return this.ref.ask(
      { type: 'reboot', request, ...(signal === undefined ? {} : { signal }) },
      { timeoutMs: Math.max(ms, 60_000) },
    )
  }

  /** The original's `reboot_autopilot_confirmed`: heartbeat drop and return decide. */
  rebootAutopilotConfirmed(request: Omit<RebootRequest, 'confirm'> = {}): Promise<RebootResult> {
    return this.rebootAutopilot({ ...request, confirm: 'heartbeat' })
  }

  /** Resolves true once an autopilot is heard, false after `timeoutMs`. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    return this.ref.ask({ type: 'waitConnected', timeoutMs }, { timeoutMs: timeoutMs + MARGIN_MS })
  }

  /** Connection, target and parameter encoding now. */
  status(): Promise<MavlinkStatus> {
    return this.ref.ask({ type: 'status' }, { timeoutMs: MARGIN_MS })
  }
}
