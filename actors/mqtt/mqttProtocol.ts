/**
 * The messages the mqtt proxy actor handles, the listener of `command/edge` commands, and the
 * health answer (the original's `health_check()` shape, with the outbox and command counters
 * added). Facades build the messages; nothing else should.
 */
import type { CommandEnvelope } from './envelope.ts'

/** Somebody handling `command/edge` commands (the host's router, or a registered handler). */
export interface CommandListener {
  /** Owner id, for removal when a petal incarnation ends. */
  readonly owner?: string
  deliver(topic: string, command: CommandEnvelope): void
}

/** Messages of the mqtt proxy actor. */
export type MqttMsg =
  | {
      readonly type: 'publish'
      /** `web` (`command/web`) or `response` (stamped with `messageId` and `timestamp`). */
      readonly to: 'web' | 'response'
      readonly payload: Readonly<Record<string, unknown>>
      readonly qos: 0 | 1
      readonly messageId?: string
    }
  | { readonly type: 'register'; readonly id: string; readonly listener: CommandListener }
  | { readonly type: 'unregister'; readonly id: string }
  | { readonly type: 'unregister-owner'; readonly owner: string }
  | { readonly type: 'health' }

/** The mqtt health (`/health/detailed` → `proxies.mqtt`). */
export interface MqttHealth {
  readonly status: 'healthy' | 'unhealthy' | 'warning'
  readonly connection: {
    readonly url: string
    readonly protocol_version: '5' | '3.1.1' | null
    readonly client_id: string
    readonly connected: boolean
    readonly reconnect_attempts: number
  }
  readonly subscriptions: { readonly topics: string[]; readonly handlers: Record<string, number> }
  readonly device_info: { readonly organization_id: string | null; readonly robot_instance_id: string }
  readonly outbox: {
    readonly path: string
    readonly pending: number
    readonly in_flight: number
    readonly oldest_age_s: number | null
  }
  readonly commands: {
    readonly received: number
    readonly duplicates: number
    readonly invalid: number
    readonly dropped_unreadable: number
  }
  readonly embedded_broker_port: number | null
  readonly error?: string
  readonly details?: string
  readonly [field: string]: unknown
}
