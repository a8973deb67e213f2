/**
 * A redis proxy outside the petal host: its own small actor system with the proxy actor supervised
 * (restarted on a crash, up to 5 times a minute), the same facade petals get, and `close()`.
 * Options default as the `PETAL_REDIS_*` variables do.
 */
import { createActorSystem, type Logger, silentLogger, supervisor } from '../../runtime/kernel/index.ts'
import { RedisFacade } from './RedisFacade.ts'
import { redisBehavior } from './redisActor.ts'
import { REDIS_DEFAULTS, type RedisOptions } from './redisOptions.ts'
import type { RedisMsg } from './redisProtocol.ts'

/** A standalone redis proxy: the facade plus `close`. */
export interface StandaloneRedisProxy extends RedisFacade {
  /** Disconnects and stops the proxy actor. */
  close(): Promise<void>
}

/**
 * Starts a standalone redis proxy; resolves once it is connected or has tried for 2 s (it then
 * runs disconnected and keeps reconnecting; calls fail with `ProxyUnavailable` meanwhile).
 *
 * @example
 * const redis = await createRedisProxy({ port: 6379 })
 * await redis.set('k', 'v')
 * await redis.close()
 *
 * @category constructors
 */
export async function createRedisProxy(
  options: Partial<RedisOptions> & { readonly log?: Logger } = {},
): Promise<StandaloneRedisProxy> {
  const log = options.log ?? silentLogger
  const system = createActorSystem({ logger: log })
  const full: RedisOptions = { ...REDIS_DEFAULTS, ...options }
  await system.start(
    supervisor({
      intensity: 5,
      periodMs: 60_000,
      backoff: { minMs: 100, maxMs: 5000 },
      children: [{ id: 'redis', start: redisBehavior(full), shutdownMs: 2000 }],
    }),
  )
  const ref = system.lookup<RedisMsg>('/redis')!
  const facade = new RedisFacade(ref, undefined, log)
  return Object.assign(facade, { close: () => system.stop() })
}
