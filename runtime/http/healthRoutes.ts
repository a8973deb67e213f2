/**
 * Health routes: `/health` (`{"status":"ok"}`: the process answers), `/health/detailed` (every
 * proxy, actor and petal), `/health/overview` (the original's `HealthMessage`). All read cached
 * state; none probes the network.
 */
import type { FastifyInstance } from 'fastify'
import { detailedHealth } from '../health/detailedHealth.ts'
import { healthOverview } from '../health/overview.ts'
import { organizationSource } from '../host/messagingChildren.ts'
import type { RuntimeHost } from '../host/RuntimeHost.ts'

/** Registers the health routes. */
export function registerHealthRoutes(app: FastifyInstance, host: RuntimeHost): void {
  app.get('/health', async () => ({ status: 'ok' }))
  app.get('/health/detailed', async () => detailedHealth(host.healthSources()))
  const organization = organizationSource(host.config)
  app.get('/health/overview', async () => healthOverview(host.healthSources(), organization))
}
