/**
 * A MAVLink proxy outside the runtime (scripts, the CLI's `params` and `reboot` commands): its own
 * small actor system with the proxy under a restarting supervisor, and the same facade petals get.
 * Options take the same defaults as `PETAL_MAVLINK_*`; `close()` stops it (sockets closed, flows
 * cancelled).
 */

import type { RebootOptions } from '../../machines/reboot.machine.ts'
import type { ActorSystem, Clock, Logger } from '../../runtime/kernel/index.ts'
import { startSupervised } from '../standaloneProxy.ts'
import { Dispatch } from './Dispatch.ts'
import { MavlinkFacade } from './MavlinkFacade.ts'
import type { MavlinkProxyOptions } from './options.ts'
import { mavlinkProxyBehavior } from './proxyBehavior.ts'
import type { LinkEnd } from './sim/lossyLink.ts'
import { type Endpoint, parseEndpoint } from './transport/endpoint.ts'

/** Options of {@link createMavlinkProxy}; only `endpoint` is required. */
export interface CreateMavlinkProxyOptions {
  /** An endpoint string (`udpout:127.0.0.1:14550`), a parsed endpoint, or an in-process link end. */
  readonly endpoint:
    | string
    | Endpoint
    | { readonly kind: 'link'; readonly end: LinkEnd; readonly name: string }
  /** For a bare device path. Default 115200. */
  readonly baud?: number
  readonly sourceSystem?: number
  readonly sourceComponent?: number
  readonly heartbeatHz?: number
  readonly heartbeatTimeoutMs?: number
  /** Passphrase or 64 hex digits. */
  readonly signingKey?: string
  readonly requireSigned?: boolean
  readonly reboot?: RebootOptions
  readonly clock?: Clock
  readonly logger?: Logger
}

/** A standalone proxy: the facade, plus its system and `close`. */
export interface MavlinkProxy extends MavlinkFacade {
  readonly system: ActorSystem
  close(): Promise<void>
}

/**
 * Starts a MAVLink proxy.
 *
 * @example
 * const mav = await createMavlinkProxy({ endpoint: 'udpout:127.0.0.1:14550' })
 * if (await mav.waitConnected(5000)) console.log(await mav.getParam('RTL_ALT'))
 * await mav.close()
 *
 * @category proxy
 */
export async function createMavlinkProxy(options: CreateMavlinkProxyOptions): Promise<MavlinkProxy> {
  const e = options.endpoint
  const endpoint: Endpoint | undefined =
    typeof e === 'string' ? parseEndpoint(e, options.baud) : e.kind === 'link' ? undefined : e
  const resolved: MavlinkProxyOptions = {
    endpoint: endpoint ?? { kind: 'udpin', host: '127.0.0.1', port: 14551 },
    sourceSystem: options.sourceSystem ?? 2,
    sourceComponent: options.sourceComponent ?? 140,
    heartbeatHz: options.heartbeatHz ?? 5,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 3000,
    signingKey: options.signingKey,
    requireSigned: options.requireSigned ?? true,
    reboot: options.reboot ?? {},
    sim: false,
  }
  const link = typeof e === 'object' && e.kind === 'link' ? e : undefined
  const { system, ref, close } = await startSupervised(
    'ext_mavlink',
    mavlinkProxyBehavior(resolved, new Dispatch(), new Map(), link),
    {
      system: {
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      },
      backoff: { minMs: 200, maxMs: 5_000 },
      shutdownMs: 3_000,
    },
  )
  return Object.assign(new MavlinkFacade(ref), { system, close }) as MavlinkProxy
}
