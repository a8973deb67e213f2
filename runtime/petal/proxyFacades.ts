/**
 * The facade type `ctx.proxy(name)` returns, per proxy name. Each proxy kind's issue replaces its
 * `unknown` with the facade class from `actors/<kind>/`.
 */

import type { MavlinkFacade } from '../../actors/mavlink/MavlinkFacade.ts'
import type { MqttFacade } from '../../actors/mqtt/MqttFacade.ts'
import type { RedisFacade } from '../../actors/redis/RedisFacade.ts'

/** Facade types by proxy name. */
export interface ProxyFacades {
  ext_mavlink: MavlinkFacade
  ftp_mavlink: unknown
  redis: RedisFacade
  db: unknown
  cloud: unknown
  bucket: unknown
  mqtt: MqttFacade
}
