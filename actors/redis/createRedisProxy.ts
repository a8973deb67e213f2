/**
 * A redis proxy outside the petal host: its own small actor system with the proxy actor supervised
 * (`startSupervised`: restarted on a crash, up to 5 times a minute), the same facade petals get, and `close()`.
 * Options default as the `PETAL_REDIS_*` variables do.
 */
import { type Logger, silentLogger } from '../../runtime/kernel/index.ts'
import { startSupervised } from '../standaloneProxy.ts'
import { RedisFacade } from './RedisFacade.ts'
import { redisBehavior } from './redisActor.ts'
import { REDIS_DEFAULTS, type RedisOptions } from './redisOptions.ts'

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
  const full: RedisOptions = { ...REDIS_DEFAULTS, ...options }
  const { ref, close } = await startSupervised('redis', redisBehavior(full), {
    system: { logger: log },
    shutdownMs: 2000,
  })
  return Object.assign(new RedisFacade(ref, undefined, log), { close })
}
