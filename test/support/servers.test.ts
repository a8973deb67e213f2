/**
 * The test servers themselves: each starts on a free port, survives kill -9 and restart, and stops
 * by PID.
 */
import { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startMosquitto } from './servers/mosquitto.ts'
import { startRedis } from './servers/redis.ts'
import { waitForPort } from './servers/serverProcess.ts'

function redisPing(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = new Socket()
    s.once('error', reject)
    s.connect(port, '127.0.0.1', () => s.write('PING\r\n'))
    s.once('data', (d) => {
      s.destroy()
      resolve(d.toString().trim())
    })
  })
}

describe('test servers', () => {
  it('redis-server starts on a free port, survives kill -9 + restart, and stops by PID', async () => {
    const redis = await startRedis()
    expect(await redisPing(redis.port)).toBe('+PONG')
    const pid = redis.pid
    await redis.kill9()
    await expect(redisPing(redis.port)).rejects.toThrow()
    await redis.restart()
    expect(redis.pid).not.toBe(pid)
    expect(await redisPing(redis.port)).toBe('+PONG')
    await redis.stop()
    await expect(redisPing(redis.port)).rejects.toThrow()
  })

  it('mosquitto starts with TCP and WebSocket listeners', async () => {
    const broker = await startMosquitto({ websockets: true })
    await waitForPort(broker.port, 1000)
    await waitForPort(broker.wsPort!, 1000)
    await broker.stop()
    await expect(waitForPort(broker.port, 200)).rejects.toThrow(/nothing listens/)
  })
})
