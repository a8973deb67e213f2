/**
 * The proxy kinds this build can run, by name. A name of `PROXY_NAMES` missing here is known from
 * the original but not available yet: enabling it is a configuration error that says so.
 */

import { bucketKind } from '../../actors/bucket/bucketKind.ts'
import { cloudDbKind } from '../../actors/clouddb/cloudDbKind.ts'
import { localDbKind } from '../../actors/localdb/localDbKind.ts'
import { mavlinkKind } from '../../actors/mavlink/kind.ts'
import { mqttKind } from '../../actors/mqtt/mqttKind.ts'
import type { ProxyKind, ProxyName } from '../../actors/ProxyKind.ts'
import { redisKind } from '../../actors/redis/redisKind.ts'

/** Implemented proxy kinds. */
export const proxyKinds: Partial<Record<ProxyName, ProxyKind>> = {
  db: localDbKind as ProxyKind,
  bucket: bucketKind as ProxyKind,
  cloud: cloudDbKind as ProxyKind,
  redis: redisKind as ProxyKind,
  mqtt: mqttKind as ProxyKind,
  ext_mavlink: mavlinkKind as ProxyKind,
}

/** The kind for `name`, if this build has it. */
export function proxyKind(name: ProxyName): ProxyKind | undefined {
  return proxyKinds[name]
}
