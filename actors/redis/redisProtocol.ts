/**
 * The messages the redis proxy actor handles, and its health answer. Facades build them; nothing
 * else should.
 */
import type { RedisOpName } from './redisOps.ts'
import type { Subscriber, SubscriptionKind } from './Subscriptions.ts'

/** Messages of the redis proxy actor. */
export type RedisMsg =
  /** Runs an operation; `waitMs` > 0 waits that long for a connection instead of failing fast. */
  | {
      readonly type: 'call'
      readonly op: RedisOpName
      readonly args: readonly unknown[]
      readonly waitMs: number
    }
  | {
      readonly type: 'subscribe'
      readonly kind: SubscriptionKind
      readonly target: string
      readonly subscriber: Subscriber
    }
  | {
      readonly type: 'unsubscribe'
      readonly kind: SubscriptionKind
      readonly target: string
      readonly owner: string
    }
  | { readonly type: 'unsubscribe-owner'; readonly owner: string }
  | { readonly type: 'health' }

/** The redis health, in the original's shape (`/health/detailed` → `proxies.redis`). */
export interface RedisHealth {
  readonly status: 'healthy' | 'unhealthy'
  readonly connection: {
    readonly host: string
    readonly port: number
    readonly db: number
    readonly unix_socket_path: string | null
    readonly connected: boolean
    readonly reconnect_attempts: number
  }
  readonly communication: {
    readonly app_id: string
    readonly listening: boolean
    readonly active_handlers: number
    readonly active_subscriptions: number
    readonly messages_received: number
  }
  readonly error?: string
  readonly details?: string
  readonly [field: string]: unknown
}
