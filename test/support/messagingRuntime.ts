/**
 * A runtime with the redis and mqtt proxies on real servers, and a web-app peer connected: what the
 * petal suites need to send commands and look at Redis. Everything stops with `stop()`.
 */
import { type MqttRuntime, startMqttRuntime } from './mqttRuntime.ts'
import type { MqttPeer } from './peers/mqttPeer.ts'
import type { TestRuntime } from './runtime.ts'
import { startRedis } from './servers/redis.ts'
import type { ServerProcess } from './servers/serverProcess.ts'

/** The running set. */
export interface MessagingRuntime {
  readonly rt: TestRuntime
  readonly redis: ServerProcess
  readonly broker: ServerProcess
  readonly peer: MqttPeer
  /** Sends a command with `waitResponse` and resolves with its response. */
  ask(command: string, payload?: Record<string, unknown>): Promise<Record<string, unknown>>
  stop(): Promise<void>
}

let seq = 0

/** Starts redis-server, mosquitto and the runtime with `petals` enabled (shipped ones by name). */
export async function startMessagingRuntime(
  petals: readonly string[],
  extraYaml = '',
): Promise<MessagingRuntime> {
  const redis = await startRedis()
  const machine = `msg-${process.pid}-${++seq}`
  let mq: MqttRuntime
  try {
    mq = await startMqttRuntime({
      machine,
      org: 'org-m',
      proxies: ['redis', 'mqtt'],
      petals,
      extraYaml,
      env: {
        PETAL_REDIS_HOST: '127.0.0.1',
        PETAL_REDIS_PORT: String(redis.port),
        PETAL_REDIS_HEALTH_MESSAGE_RATE: '60',
      },
    })
  } catch (e) {
    await redis.stop()
    throw e
  }
  const { rt, broker, peer } = mq
  let n = 0
  return {
    rt,
    redis,
    broker,
    peer,
    ask: async (command, payload = {}) => {
      const messageId = `ask-${++n}`
      peer.send({ messageId, command, payload, waitResponse: true })
      await peer.waitForResponses([messageId], 5000)
      return peer.responses.get(messageId)![0]!
    },
    stop: async () => {
      await mq.stop()
      await redis.stop()
    },
  }
}
