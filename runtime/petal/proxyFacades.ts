/**
 * The facade type `ctx.proxy(name)` returns, per proxy name. Each proxy kind's issue replaces its
 * `unknown` with the facade class from `actors/<kind>/`.
 */

import type { BucketFacade } from '../../actors/bucket/BucketFacade.ts'
import type { CloudDbFacade } from '../../actors/clouddb/CloudDbFacade.ts'
import type { LocalDbFacade } from '../../actors/localdb/LocalDbFacade.ts'
import type { MavlinkFacade } from '../../actors/mavlink/MavlinkFacade.ts'
import type { MqttFacade } from '../../actors/mqtt/MqttFacade.ts'
import type { RedisFacade } from '../../actors/redis/RedisFacade.ts'

/** Facade types by proxy name. */
export interface ProxyFacades {
  ext_mavlink: MavlinkFacade
  ftp_mavlink: unknown
  redis: RedisFacade
  db: LocalDbFacade
  cloud: CloudDbFacade
  bucket: BucketFacade
  mqtt: MqttFacade
}
