import { createRedisProxy } from '../../actors/redis/createRedisProxy.ts'
import { startRedis } from '../../test/support/servers/redis.ts'

const redis = await startRedis()
const proxy = await createRedisProxy({ host: '127.0.0.1', port: redis.port })
const n = 200000
const t0 = performance.now()
for (let i = 0; i < n; i += 100)
  await Promise.all(Array.from({ length: 100 }, (_, j) => proxy.get(`k${(i + j) % 1000}`)))
console.log('ops/s', Math.round(n / ((performance.now() - t0) / 1000)))
await proxy.close()
await redis.stop()
process.exit(0)
