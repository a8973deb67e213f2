/**
 * The facade type `ctx.proxy(name)` returns, per proxy name. Each proxy kind's issue replaces its
 * `unknown` with the facade class from `actors/<kind>/`.
 */
import type { BucketFacade } from '../../actors/bucket/BucketFacade.ts'
import type { CloudDbFacade } from '../../actors/clouddb/CloudDbFacade.ts'
import type { LocalDbFacade } from '../../actors/localdb/LocalDbFacade.ts'

/** Facade types by proxy name. */
export interface ProxyFacades {
  ext_mavlink: unknown
  ftp_mavlink: unknown
  redis: unknown
  db: LocalDbFacade
  cloud: CloudDbFacade
  bucket: BucketFacade
  mqtt: unknown
}
