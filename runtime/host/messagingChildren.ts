/**
 * The host actors that exist because of the messaging proxies, added to the root after the
 * petals: `/mqtt-router` (with the `mqtt` proxy: commands to petal actors, answers to `response`)
 * and `/health` (with the `redis` proxy: the health overview published every
 * `PETAL_REDIS_HEALTH_MESSAGE_RATE` seconds). Without those proxies neither exists.
 */
import type { MqttFacade } from '../../actors/mqtt/MqttFacade.ts'
import { DEFAULT_THING_PARAMETERS_PATH } from '../../actors/mqtt/mqttOptions.ts'
import { readOrganization } from '../../actors/mqtt/thingParameters.ts'
import type { RedisFacade } from '../../actors/redis/RedisFacade.ts'
import type { RuntimeConfig } from '../config/loadConfig.ts'
import { healthPublisherBehavior } from '../health/healthPublisher.ts'
import type { OrganizationSource } from '../health/overview.ts'
import type { ChildSpec } from '../kernel/index.ts'
import { commandRouterBehavior } from '../mqtt/commandRouter.ts'
import type { RuntimeHost } from './RuntimeHost.ts'

/**
 * The child specs of the messaging host actors (empty when neither proxy is enabled).
 *
 * @category host
 */
export function messagingChildren(host: RuntimeHost): ChildSpec[] {
  const { config } = host
  const out: ChildSpec[] = []
  if (config.enabledProxies.includes('mqtt')) {
    out.push({
      id: 'mqtt-router',
      start: commandRouterBehavior({
        mqtt: () => host.facade('mqtt') as MqttFacade,
        petals: () => host.activePetals,
        lookup: (name) => host.petalRef(name),
      }),
      shutdownMs: 2000,
    })
  }
  if (config.enabledProxies.includes('redis')) {
    out.push({
      id: 'health',
      start: healthPublisherBehavior({
        sources: host.healthSources(),
        organization: organizationSource(config),
        redis: () => host.facade('redis') as RedisFacade | undefined,
        intervalMs: config.healthIntervalMs,
      }),
      shutdownMs: 2000,
    })
  }
  return out
}

/** The mqtt proxy's cached organisation id when it runs, else the thing-parameters file. */
export function organizationSource(config: RuntimeConfig): OrganizationSource {
  const fixed = config.env.PETAL_ORGANIZATION_ID?.trim()
  const path = config.env.PETAL_THING_PARAMETERS_PATH?.trim() || DEFAULT_THING_PARAMETERS_PATH
  return (proxies) => {
    const mqtt = proxies.mqtt as { device_info?: { organization_id?: string | null } } | undefined
    if (mqtt?.device_info !== undefined) return mqtt.device_info.organization_id ?? null
    return fixed || readOrganization(path).organization_id
  }
}
