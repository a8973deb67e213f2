/**
 * The actor `/health`: every `PETAL_REDIS_HEALTH_MESSAGE_RATE` seconds (default 3; an interval,
 * as in the original despite its name) it builds the overview from cached state and publishes it,
 * indented JSON as the original's `model_dump_json(indent=2)`, to the Redis channel
 * `/controller-dashboard/petals-status`. A publication still running when the next is due is not
 * doubled; while Redis is away the failure is logged once per outage, and publishing resumes by
 * itself.
 */
import type { RedisFacade } from '../../actors/redis/RedisFacade.ts'
import { type Behavior, describeError } from '../kernel/index.ts'
import type { HealthSources } from './detailedHealth.ts'
import { healthOverview, type OrganizationSource } from './overview.ts'

/** The channel the controller dashboard listens on. */
export const HEALTH_CHANNEL = '/controller-dashboard/petals-status'

/** What the publisher reads and where it publishes. */
export interface HealthPublisherDeps {
  readonly sources: HealthSources
  readonly organization: OrganizationSource
  readonly redis: () => RedisFacade | undefined
  readonly intervalMs: number
}

/**
 * The publisher behaviour.
 *
 * @category health
 */
export function healthPublisherBehavior(deps: HealthPublisherDeps): Behavior<{ published: number }, never> {
  return {
    init: (ctx) => {
      const state = { published: 0 }
      let busy = false
      let failing = false
      const publishOnce = async (): Promise<void> => {
        const redis = deps.redis()
        if (redis === undefined || busy) return
        busy = true
        try {
          const msg = await healthOverview(deps.sources, deps.organization)
          await redis.publish(HEALTH_CHANNEL, JSON.stringify(msg, null, 2))
          state.published++
          if (failing) ctx.log.info({}, `health overview published to ${HEALTH_CHANNEL} again`)
          failing = false
        } catch (e) {
          if (!failing) ctx.log.warn({ err: e }, `health overview not published: ${describeError(e)}`)
          failing = true
        } finally {
          busy = false
        }
      }
      ctx.setInterval(() => {
        publishOnce().catch(() => {})
      }, deps.intervalMs)
      return state
    },
    receive: (s) => s,
  }
}
