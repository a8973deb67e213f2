/**
 * The original's `HealthMessage` (served by `/health/overview`, and published to Redis channel
 * `/controller-dashboard/petals-status` for the controller dashboard): title, status, version,
 * `petal_versions`, one `services` entry per proxy with the original's titles and messages, and
 * the petals with their load state. Unlike the original, `petals` is filled on `/health/overview`
 * too, `load_time` is set and `failed` is reported. Built from cached state only.
 */
import type { ProxyHealth } from '../../actors/ProxyKind.ts'
import { type HealthSources, type PetalHealth, petalHealth, proxyHealth } from './detailedHealth.ts'

/** The original's healthy message per proxy name. */
const HEALTHY_MESSAGES: Readonly<Record<string, string>> = {
  redis: 'Redis server works',
  db: 'Local database works',
  ext_mavlink: 'MAVLink server works',
  cloud: 'Cloud database works',
  bucket: 'S3 bucket works',
  mqtt: 'MQTT server works',
}

/** The five petal packages the original always lists in `petal_versions`. */
const ORIGINAL_PETALS = [
  'petal_leafsdk',
  'petal_flight_log',
  'petal_warehouse',
  'petal_user_journey_coordinator',
  'petal_qgc_mission_server',
]

/** One service entry. */
export interface ServiceHealth {
  readonly title: string
  readonly component_name: string
  readonly status: 'healthy' | 'unhealthy'
  readonly message: string
  readonly timestamp: string
}

/** The original's naive local ISO timestamp (no zone), which its consumers parse. */
export function localIsoTimestamp(date = new Date()): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}000`
  )
}

/**
 * Builds the overview.
 *
 * @category health
 */
export async function healthMessage(src: HealthSources): Promise<Record<string, unknown>> {
  const now = localIsoTimestamp()
  const proxies = await proxyHealth(src)
  const services: ServiceHealth[] = []
  for (const [name, entry] of src.proxies()) {
    const h: ProxyHealth = proxies[name] ?? { status: 'unknown' }
    const healthy = h.status === 'healthy'
    services.push({
      title: entry.kind.title,
      component_name: name,
      status: healthy ? 'healthy' : 'unhealthy',
      message: healthy
        ? (HEALTHY_MESSAGES[name] ?? `${entry.kind.title} works`)
        : typeof h.error === 'string'
          ? `Error: ${h.error}`
          : `Unhealthy: ${typeof h.details === 'string' ? h.details : h.status}`,
      timestamp: now,
    })
  }
  const petals: PetalHealth[] = petalHealth(src)
  const versions: Record<string, string> = Object.fromEntries(
    ORIGINAL_PETALS.map((p) => [p, 'not installed']),
  )
  for (const p of src.petals()) versions[p.name.replaceAll('-', '_')] = p.petal.version
  const healthy = services.every((s) => s.status === 'healthy') && petals.every((p) => p.status !== 'failed')
  return {
    title: 'Petal App Manager',
    component_name: 'petal_app_manager',
    status: healthy ? 'healthy' : 'unhealthy',
    version: src.version,
    petal_versions: versions,
    message: healthy ? 'Good conditions' : 'Some issues detected',
    timestamp: now,
    services,
    petals: petals.map((p) => ({
      name: p.name,
      status: p.status,
      version: p.version,
      is_startup_petal: p.is_startup_petal,
      load_time: p.load_time,
      error: p.error,
    })),
  }
}
