/**
 * The `ext_mavlink` actor. Its `init` opens the transport and a session; transport callbacks feed
 * the session directly (guarded: a bug there fails the actor, which is restarted), so frames never
 * queue in the mailbox. The mailbox carries the facade's calls; each starts an operation and is
 * answered when it completes, so a long bulk set never blocks a send. Subscriptions live in the
 * `Dispatch` made once per proxy, outside the incarnation: petals stay subscribed across restarts.
 * With `sim`, the actor spawns the simulated vehicle as a linked child on an in-process link.
 */

import type { ParamGetOptions } from '../../machines/paramGet.machine.ts'
import type { ParamSetOptions } from '../../machines/paramSet.machine.ts'
import type { Behavior, InspectionEvent } from '../../runtime/kernel/index.ts'
import { signingKey } from './codec/signing.ts'
import type { Dispatch, MessageHandler, SubscribeOptions, SubscriptionKey } from './Dispatch.ts'
import { mavlinkHealth } from './health.ts'
import {
  MavlinkOperations,
  type RebootRequest,
  type ReplyMatch,
  type RequestOptions,
  type SendOptions,
} from './MavlinkOperations.ts'
import { MavlinkSession } from './MavlinkSession.ts'
import type { MavlinkProxyOptions } from './options.ts'
import type { ProgressListener } from './runFlow.ts'
import { createLossyLink } from './sim/lossyLink.ts'
import { simVehicleBehavior } from './sim/simVehicleActor.ts'
import { formatEndpoint } from './transport/endpoint.ts'
import { openTransport, type TransportTarget } from './transport/openTransport.ts'
import type { Transport } from './transport/Transport.ts'

/** Messages of the proxy actor (sent by the facade). */
export type MavlinkProxyMsg =
  | {
      readonly type: 'subscribe'
      readonly token: object
      readonly key: SubscriptionKey
      readonly handler: MessageHandler
      readonly options: SubscribeOptions
    }
  | { readonly type: 'unsubscribe'; readonly token: object }
  | { readonly type: 'send'; readonly message: object; readonly options: SendOptions }
  | {
      readonly type: 'request'
      readonly message: object
      readonly match: ReplyMatch
      readonly options: RequestOptions
    }
  | {
      readonly type: 'setParams'
      readonly params: unknown
      readonly options: ParamSetOptions
      readonly onProgress?: ProgressListener
      readonly signal?: AbortSignal
      readonly full: boolean
    }
  | {
      readonly type: 'getParams'
      readonly names: readonly string[]
      readonly options: ParamGetOptions
      readonly onProgress?: ProgressListener
      readonly signal?: AbortSignal
    }
  | {
      readonly type: 'getAllParams'
      readonly options: ParamGetOptions
      readonly onProgress?: ProgressListener
      readonly signal?: AbortSignal
    }
  | { readonly type: 'getParam'; readonly name: string; readonly timeoutMs?: number }
  | {
      readonly type: 'setParam'
      readonly name: string
      readonly value: number
      readonly paramType?: string | number
      readonly timeoutMs?: number
    }
  | { readonly type: 'reboot'; readonly request: RebootRequest; readonly signal?: AbortSignal }
  | { readonly type: 'waitConnected'; readonly timeoutMs: number }
  | { readonly type: 'status' }
  | { readonly type: 'health' }

interface ProxyState {
  readonly session: MavlinkSession
  readonly ops: MavlinkOperations
  readonly transport: Transport
  readonly endpointName: string
}

/** The current connection as `status` reports it. */
export interface MavlinkStatus {
  readonly connected: boolean
  readonly target: { readonly sysid: number; readonly compid: number; readonly autopilot: number } | undefined
  readonly encoding: 'c-cast' | 'bytewise'
  readonly endpoint: string
}

/**
 * The proxy behaviour; `dispatch` and `subscriptions` outlive its incarnations.
 *
 * @category proxy
 */
export function mavlinkProxyBehavior(
  options: MavlinkProxyOptions,
  dispatch: Dispatch,
  subscriptions: Map<object, () => void>,
  target?: TransportTarget,
): Behavior<ProxyState, MavlinkProxyMsg> {
  return {
    init: (ctx) => {
      const timers = {
        now: () => ctx.clock.now(),
        setTimeout: (fn: () => void, ms: number) => ctx.setTimeout(fn, ms),
      }
      let where: TransportTarget = target ?? options.endpoint
      if (options.sim && target === undefined) {
        const link = createLossyLink({ clock: ctx.clock, seed: 1 })
        ctx.watch(
          ctx.spawn('sim-vehicle', simVehicleBehavior(link.vehicle, { positionIntervalMs: 500 })) as never,
        )
        where = { kind: 'link', end: link.ground, name: 'sim:in-process' }
      }
      const endpointName = where.kind === 'link' ? where.name : formatEndpoint(where)
      let transport: Transport | undefined
      const session = new MavlinkSession({
        clock: ctx.clock,
        timers,
        dispatch,
        write: (bytes) => transport?.write(bytes) ?? false,
        sourceSystem: options.sourceSystem,
        sourceComponent: options.sourceComponent,
        heartbeatHz: options.heartbeatHz,
        heartbeatTimeoutMs: options.heartbeatTimeoutMs,
        announce: where.kind === 'udpout',
        ...(options.signingKey === undefined
          ? {}
          : { signingKey: signingKey(options.signingKey), requireSigned: options.requireSigned }),
        log: ctx.log,
      })
      transport = openTransport(
        where,
        {
          onData: ctx.guard((chunk: Uint8Array) => session.receive(chunk)),
          onUp: ctx.guard(() =>
            ctx.log.info({ endpoint: endpointName }, `MAVLink transport ${endpointName} up`),
          ),
          onDown: ctx.guard((why: string) => {
            session.parser.reset()
            ctx.log.warn({ endpoint: endpointName }, `MAVLink transport ${endpointName} down: ${why}`)
          }),
        },
        timers,
      )
      const inspect = (e: InspectionEvent) => ctx.inspect(e)
      const ops = new MavlinkOperations(session, dispatch, timers, inspect)
      const t = transport
      ctx.onCleanup(() => {
        ops.close()
        session.close()
        return t.close()
      })
      return { session, ops, transport: t, endpointName }
    },
    receive: (s, msg, ctx) => {
      if ((msg as { type: string }).type === 'terminated') {
        ctx.fail(new Error('the in-process simulated vehicle stopped'))
        return s
      }
      if (msg.type === 'subscribe') {
        subscriptions.set(msg.token, dispatch.add(msg.key, msg.handler, msg.options))
        return s
      }
      if (msg.type === 'unsubscribe') {
        subscriptions.get(msg.token)?.()
        subscriptions.delete(msg.token)
        return s
      }
      try {
        answer(s, msg, options, dispatch, ctx)
      } catch (e) {
        ctx.replyError(e)
      }
      return s
    },
  }
}

function answer(
  s: ProxyState,
  msg: Exclude<MavlinkProxyMsg, { type: 'subscribe' | 'unsubscribe' }>,
  options: MavlinkProxyOptions,
  dispatch: Dispatch,
  ctx: { reply(v: unknown): void; replyWith(p: PromiseLike<unknown>): void },
): unknown {
  const { ops, session } = s
  switch (msg.type) {
    case 'send':
      return ctx.reply(ops.send(msg.message, msg.options))
    case 'request':
      return ctx.replyWith(ops.request(msg.message, msg.match, msg.options))
    case 'setParams':
      return ctx.replyWith(
        msg.full
          ? ops.setParamsBulk(msg.params, msg.options, msg.onProgress, msg.signal)
          : ops.setParamsBulkLossy(msg.params, msg.options, msg.onProgress),
      )
    case 'getParams':
      return ctx.replyWith(ops.getParamsBulk(msg.names, msg.options, msg.onProgress, msg.signal))
    case 'getAllParams':
      return ctx.replyWith(ops.getAllParamsReport(msg.options, msg.onProgress, msg.signal))
    case 'getParam':
      return ctx.replyWith(
        ops.getParam(msg.name, msg.timeoutMs === undefined ? {} : { timeoutMs: msg.timeoutMs }),
      )
    case 'setParam':
      return ctx.replyWith(
        ops.setParam(
          msg.name,
          msg.value,
          msg.paramType,
          msg.timeoutMs === undefined ? {} : { timeoutMs: msg.timeoutMs },
        ),
      )
    case 'reboot':
      return ctx.replyWith(ops.rebootAutopilot({ ...options.reboot, ...msg.request }, msg.signal))
    case 'waitConnected':
      return ctx.replyWith(session.waitConnected(msg.timeoutMs))
    case 'status': {
      const t = session.target
      const status: MavlinkStatus = {
        connected: session.connected,
        target: t === undefined ? undefined : { sysid: t.sysid, compid: t.compid, autopilot: t.autopilot },
        encoding: session.encoding,
        endpoint: s.endpointName,
      }
      return ctx.reply(status)
    }
    case 'health':
      return ctx.reply(
        mavlinkHealth({
          options,
          endpointName: s.endpointName,
          session,
          ops,
          dispatch,
          transportUp: s.transport.up,
        }),
      )
  }
}
