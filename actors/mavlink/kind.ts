/**
 * `ext_mavlink` as the host runs it (the `ProxyKind` contract): options from `PETAL_MAVLINK_*`,
 * the proxy actor (with the simulated vehicle in-process under `--sim`), the facade, health from
 * cached state, and `mavlink:<MESSAGE>` events for petals' `on` handlers (`mavlink:HEARTBEAT`,
 * `mavlink:22`, `mavlink:*`).
 */
import type { ProxyKind } from '../ProxyKind.ts'
import { Dispatch } from './Dispatch.ts'
import { MavlinkFacade } from './MavlinkFacade.ts'
import { type MavlinkProxyOptions, optionsFromEnv } from './options.ts'
import { mavlinkProxyBehavior } from './proxyBehavior.ts'

/**
 * The MAVLink proxy kind.
 *
 * @category proxy
 */
export const mavlinkKind: ProxyKind<MavlinkProxyOptions, MavlinkFacade> = {
  name: 'ext_mavlink',
  title: 'MAVLink External Proxy',
  parseOptions: (ctx) => optionsFromEnv(ctx.env, ctx.sim),
  child: (options, ctx) => {
    const dispatch = new Dispatch((e) =>
      ctx.log.warn({ err: e }, `a MAVLink subscriber threw: ${e instanceof Error ? e.message : String(e)}`),
    )
    return { start: mavlinkProxyBehavior(options, dispatch, new Map()), shutdownMs: 3_000 }
  },
  facade: (ref) => new MavlinkFacade(ref),
  health: (ref) => ref.ask({ type: 'health' }, { timeoutMs: 500 }),
  events: {
    prefix: 'mavlink',
    subscribe: (facade, topic, deliver) => facade.on(topic, deliver),
  },
}
