/**
 * The `redis` proxy kind as the host runs it: options from `PETAL_REDIS_*`, one actor at
 * `/proxies/redis`, the {@link RedisFacade}, health from cached state, and `on: { 'redis:<channel>':
 * handler }` entries fed by channel subscriptions (the handler gets `{ channel, message }`).
 */
import type { ProxyKind } from '../ProxyKind.ts'
import { RedisFacade } from './RedisFacade.ts'
import { redisBehavior } from './redisActor.ts'
import { parseRedisOptions, type RedisOptions } from './redisOptions.ts'

let onSeq = 0

/**
 * The redis proxy kind.
 *
 * @category proxies
 */
export const redisKind: ProxyKind<RedisOptions, RedisFacade> = {
  name: 'redis',
  title: 'Redis Proxy',
  parseOptions: (ctx) => parseRedisOptions(ctx),
  child: (options) => ({ start: redisBehavior(options), shutdownMs: 2000 }),
  facade: (ref) => new RedisFacade(ref),
  health: (ref) => ref.ask({ type: 'health' }, { timeoutMs: 500 }),
  events: {
    prefix: 'redis',
    subscribe: (facade, topic, deliver) =>
      facade.listenRaw('channel', topic, `on#${++onSeq}`, (m) =>
        deliver({ channel: m.channel, message: m.message }),
      ),
  },
  own: (facade, owner) => facade.ownedBy(owner),
}
