/**
 * The host actors that exist because of the messaging proxies, added to the root after the
 * petals: `/mqtt-router` (with the `mqtt` proxy: commands to petal actors, answers to `response`)
 * and `/health` (with the `redis` proxy: the health overview published every
 * `PETAL_REDIS_HEALTH_MESSAGE_RATE` seconds). Without those proxies neither exists.
 */
import type { MqttFacade } from '../../actors/mqtt/MqttFacade.ts'
import { DEFAULT_THING_PARAMETERS_PATH } from '../../actors/mqtt/mqttOptions.ts'
import { readOrganization } from '../../actors/mqtt/thingParameters.ts'
import type { ProxyName } from '../../actors/ProxyKind.ts'
import type { RedisFacade } from '../../actors/redis/RedisFacade.ts'
import type { RuntimeConfig } from '../config/loadConfig.ts'
import type { HealthSources } from '../health/detailedHealth.ts'
import { healthPublisherBehavior } from '../health/healthPublisher.ts'
import type { OrganizationSource } from '../health/overview.ts'
import type { ActorSystem, ChildSpec } from '../kernel/index.ts'
import { commandRouterBehavior } from '../mqtt/commandRouter.ts'
import type { LoadedPetal } from '../petal/loadPetals.ts'
import type { PetalMsg } from '../petal/petalActor.ts'

/** What the messaging actors need from the host. */
export interface MessagingDeps {
  readonly config: RuntimeConfig
  readonly system: ActorSystem
  readonly petals: readonly LoadedPetal[]
  readonly health: HealthSources
  /** The shared facade of an enabled proxy. */
  facade(name: ProxyName): unknown
}

/**
 * The child specs of the messaging host actors (empty when neither proxy is enabled).
 *
 * @category host
 */
export function messagingChildren(deps: MessagingDeps): ChildSpec[] {
  const { config } = deps
  const out: ChildSpec[] = []
  if (config.enabledProxies.includes('mqtt')) {
    out.push({
      id: 'mqtt-router',
      start: commandRouterBehavior({
        mqtt: () => deps.facade('mqtt') as MqttFacade,
        petals: deps.petals,
        lookup: (name) => deps.system.lookup<PetalMsg>(`/petals/${name}`),
      }),
      shutdownMs: 2000,
    })
  }
  if (config.enabledProxies.includes('redis')) {
    out.push({
      id: 'health',
      start: healthPublisherBehavior({
        sources: deps.health,
        organization: organizationSource(config),
        redis: () => deps.facade('redis') as RedisFacade | undefined,
        intervalMs: config.healthIntervalMs,
      }),
      shutdownMs: 2000,
    })
  }
  return out
}

/** The mqtt proxy's cached organisation id when it runs, else the thing-parameters file. */
function organizationSource(config: RuntimeConfig): OrganizationSource {
  const fixed = config.env.PETAL_ORGANIZATION_ID?.trim()
  const path = config.env.PETAL_THING_PARAMETERS_PATH?.trim() || DEFAULT_THING_PARAMETERS_PATH
  return (proxies) => {
    const mqtt = proxies.mqtt as { device_info?: { organization_id?: string | null } } | undefined
    if (mqtt?.device_info !== undefined) return mqtt.device_info.organization_id ?? null
    return fixed || readOrganization(path).organization_id
  }
}
