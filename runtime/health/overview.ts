/**
 * The health overview: the original's `HealthMessage` (served by `/health/overview` and published
 * to Redis for the controller dashboard), built from cached state only: each proxy's own health
 * report (never a network probe), the petal load states read from the tree, and the organisation
 * id. Services list the Organization Manager, then each enabled proxy with the original's titles
 * and messages (`ftp_mavlink` too, which the original skipped). Petals list startup then enabled
 * petals, with `failed` (past the restart budget), their last error and `load_time`, which the
 * original never filled in.
 */
import { localIsoTimestamp } from '../../actors/mqtt/topics.ts'
import type { ProxyHealth, ProxyName } from '../../actors/ProxyKind.ts'
import { type HealthSources, type PetalLoadState, petalHealth, proxyHealth } from './detailedHealth.ts'

/** One service line. */
export interface ServiceHealth {
  readonly title: string
  readonly component_name: string
  readonly status: 'healthy' | 'unhealthy'
  readonly message: string
  readonly timestamp: string
}

/** One petal line. */
export interface PetalOverview {
  readonly name: string
  readonly status: PetalLoadState
  readonly version: string
  readonly is_startup_petal: boolean
  readonly load_time: string | null
  readonly error: string | null
}

/** The original's `HealthMessage`. */
export interface HealthMessage {
  readonly title: 'Petal App Manager'
  readonly component_name: 'petal_app_manager'
  readonly status: 'healthy' | 'unhealthy'
  readonly version: string
  readonly petal_versions: Readonly<Record<string, string>>
  readonly message: 'Good conditions' | 'Some issues detected'
  readonly timestamp: string
  readonly services: readonly ServiceHealth[]
  readonly petals: readonly PetalOverview[]
}

/** Where the organisation id comes from (the mqtt proxy's cache, or the thing-parameters file). */
export type OrganizationSource = (proxies: Readonly<Record<string, ProxyHealth>>) => string | null

const SERVICES: Readonly<Record<ProxyName, { title: string; component: string; works: string }>> = {
  redis: { title: 'Redis Proxy', component: 'redis_proxy', works: 'Redis server works' },
  db: { title: 'LocalDB Proxy', component: 'localdb_proxy', works: 'Local database works' },
  ext_mavlink: {
    title: 'MAVLink External Proxy',
    component: 'mavlink_external_proxy',
    works: 'MAVLink server works',
  },
  ftp_mavlink: { title: 'MAVLink FTP Proxy', component: 'mavlink_ftp_proxy', works: 'MAVLink FTP works' },
  cloud: { title: 'Cloud DB Proxy', component: 'cloud_db_proxy', works: 'Cloud database works' },
  bucket: { title: 'S3 Bucket Proxy', component: 's3_bucket_proxy', works: 'S3 bucket works' },
  mqtt: { title: 'MQTT Proxy', component: 'mqtt_proxy', works: 'MQTT server works' },
}

/** The petals the original's overview always names, "not installed" unless loaded here. */
const KNOWN_PETALS = [
  'petal_leafsdk',
  'petal_flight_log',
  'petal_warehouse',
  'petal_user_journey_coordinator',
  'petal_qgc_mission_server',
]

/**
 * Builds the overview.
 *
 * @example
 * const msg = await healthOverview(sources, () => 'org-1')
 * msg.services[0].title // 'Organization Manager'
 *
 * @category health
 */
export async function healthOverview(
  src: HealthSources,
  organization: OrganizationSource,
): Promise<HealthMessage> {
  const now = localIsoTimestamp()
  const proxies = await proxyHealth(src)
  const org = organization(proxies)
  const services: ServiceHealth[] = [
    {
      title: 'Organization Manager',
      component_name: 'organization_manager',
      status: org === null ? 'unhealthy' : 'healthy',
      message: org === null ? 'Organization manager status: warning' : 'Organization management operational',
      timestamp: now,
    },
  ]
  for (const [name, h] of Object.entries(proxies) as [ProxyName, ProxyHealth][]) {
    const s = SERVICES[name]
    const healthy = h.status === 'healthy'
    services.push({
      title: s.title,
      component_name: s.component,
      status: healthy ? 'healthy' : 'unhealthy',
      message: healthy
        ? s.works
        : typeof h.error === 'string'
          ? `Error: ${h.error}${typeof h.details === 'string' ? ` (${h.details})` : ''}`
          : `Unhealthy: ${typeof h.details === 'string' ? h.details : h.status}`,
      timestamp: now,
    })
  }
  const petals: PetalOverview[] = petalHealth(src).map((p) => ({
    name: p.name,
    status: p.status,
    version: p.version,
    is_startup_petal: p.is_startup_petal,
    load_time: p.load_time,
    error: p.error,
  }))
  const versions: Record<string, string> = Object.fromEntries(KNOWN_PETALS.map((k) => [k, 'not installed']))
  for (const p of src.petals())
    if (p.notLoaded === undefined) versions[p.name.replaceAll('-', '_')] = p.petal.version
  const healthy =
    services.every((s) => s.status === 'healthy') &&
    petals.every(
      (p) => p.status === 'loaded' || (p.status === 'not_loaded' && p.error?.startsWith('Cannot load')),
    )
  return {
    title: 'Petal App Manager',
    component_name: 'petal_app_manager',
    status: healthy ? 'healthy' : 'unhealthy',
    version: src.version,
    petal_versions: versions,
    message: healthy ? 'Good conditions' : 'Some issues detected',
    timestamp: now,
    services,
    petals,
  }
}
