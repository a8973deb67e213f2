/**
 * A runtime with the mqtt proxy on a real mosquitto and a web-app peer connected to the device's
 * topics, waited for until the proxy has subscribed: what the MQTT command suites arrange. The
 * outbox journal is `outbox.jsonl` in the runtime's temp directory. `stop()` closes the peer, the
 * runtime and the broker, in that order; a start that fails half way stops what it started.
 */
import { connectPeer, type MqttPeer } from './peers/mqttPeer.ts'
import { startTestRuntime, type TestRuntime } from './runtime.ts'
import { startMosquitto } from './servers/mosquitto.ts'
import type { ServerProcess } from './servers/serverProcess.ts'
import { until } from './until.ts'

/** What {@link startMqttRuntime} arranges. */
export interface MqttRuntimeOptions {
  /** `PETAL_MACHINE_ID`; the device's topics are `org/<org>/device/Instance-<machine>/...`. */
  readonly machine: string
  /** `PETAL_ORGANIZATION_ID`. */
  readonly org: string
  /** `enabled_petals`, in order (shipped ones by name). */
  readonly petals: readonly string[]
  /** Petal files by name (`petals:` in the config), for petals that are not shipped. */
  readonly petalFiles?: Readonly<Record<string, string>>
  /** `enabled_proxies` (default `['mqtt']`; mqtt must be among them). */
  readonly proxies?: readonly string[]
  /** More variables (another proxy's settings). */
  readonly env?: Readonly<Record<string, string>>
  /** More config lines, appended as they are. */
  readonly extraYaml?: string
}

/** The running set. */
export interface MqttRuntime {
  readonly broker: ServerProcess
  readonly rt: TestRuntime
  readonly peer: MqttPeer
  /** The device's topic base, `org/<org>/device/Instance-<machine>`. */
  readonly base: string
  stop(): Promise<void>
}

/**
 * Starts mosquitto, the runtime and a peer; resolves once the mqtt proxy reports healthy (5 s at
 * most).
 *
 * @example
 * ```ts
 * const m = await startMqttRuntime({ machine: 'router-test', org: 'org-r', petals: ['petal-example'] })
 * m.peer.send({ messageId: 'a', command: 'petal-example/hello', waitResponse: true })
 * await m.stop()
 * ```
 * @category testing
 */
export async function startMqttRuntime(o: MqttRuntimeOptions): Promise<MqttRuntime> {
  const stops: (() => Promise<void>)[] = []
  const stop = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s()
  }
  const files = Object.entries(o.petalFiles ?? {})
  const yaml = [
    `enabled_proxies: [${(o.proxies ?? ['mqtt']).join(', ')}]`,
    `enabled_petals: [${o.petals.join(', ')}]`,
    ...(files.length === 0 ? [] : ['petals:', ...files.map(([name, file]) => `  ${name}: ${file}`)]),
    '',
  ].join('\n')
  const base = `org/${o.org}/device/Instance-${o.machine}`
  try {
    const broker = await startMosquitto()
    stops.push(() => broker.stop())
    const rt = await startTestRuntime({
      yaml: yaml + (o.extraYaml ?? ''),
      env: {
        ...o.env,
        PETAL_MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
        PETAL_MACHINE_ID: o.machine,
        PETAL_ORGANIZATION_ID: o.org,
        PETAL_MQTT_OUTBOX_PATH: 'outbox.jsonl',
      },
    })
    stops.push(() => rt.stop())
    const peer = await connectPeer(broker.port, base)
    stops.push(() => peer.close())
    await until(
      async () => (await rt.proxyHealth('mqtt')).status === 'healthy',
      5000,
      'the mqtt proxy subscribed',
    )
    return { broker, rt, peer, base, stop }
  } catch (e) {
    await stop()
    throw e
  }
}
