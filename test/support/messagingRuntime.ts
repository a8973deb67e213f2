/**
 * A runtime with the redis and mqtt proxies on real servers, and a web-app peer connected: what the
 * petal suites need to send commands and look at Redis. Everything stops with `stop()`.
 */
import { connectPeer, type MqttPeer } from './peers/mqttPeer.ts'
import { startTestRuntime, type TestRuntime } from './runtime.ts'
import { startMosquitto } from './servers/mosquitto.ts'
import { startRedis } from './servers/redis.ts'
import type { ServerProcess } from './servers/serverProcess.ts'
import { until } from './until.ts'

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
  const broker = await startMosquitto()
  const machine = `msg-${process.pid}-${++seq}`
  const rt = await startTestRuntime({
    yaml: `enabled_proxies: [redis, mqtt]\nenabled_petals: [${petals.join(', ')}]\n${extraYaml}`,
    env: {
      PETAL_REDIS_HOST: '127.0.0.1',
      PETAL_REDIS_PORT: String(redis.port),
      PETAL_REDIS_HEALTH_MESSAGE_RATE: '60',
      PETAL_MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
      PETAL_MACHINE_ID: machine,
      PETAL_ORGANIZATION_ID: 'org-m',
      PETAL_MQTT_OUTBOX_PATH: 'outbox.jsonl',
    },
  })
  const peer = await connectPeer(broker.port, `org/org-m/device/Instance-${machine}`)
  await until(async () => (await rt.proxyHealth('mqtt')).status === 'healthy', 5000, 'mqtt subscribed')
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
      await peer.close()
      await rt.stop()
      await broker.stop()
      await redis.stop()
    },
  }
}
