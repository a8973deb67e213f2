/**
 * The rig of the MQTT kill -9 fault tests: a real mosquitto, a web-app peer on it, and `petal
 * start` (from source) with only the `mqtt` proxy and the ledger fixture petal, whose handler
 * appends each run to a file so a second run of one `messageId` shows across restarts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectPeer, type MqttPeer } from './peers/mqttPeer.ts'
import { type RunningRuntime, runRuntime } from './runtimeProcess.ts'
import { type Mosquitto, startMosquitto } from './servers/mosquitto.ts'
import { until } from './until.ts'

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'petals')

/** The rig. */
export interface LedgerRig {
  /** The ledger file the petal appends to (read with `runsOf`). */
  readonly ledger: string
  readonly broker: Mosquitto
  readonly peer: MqttPeer
  /** Starts the runtime and resolves once its mqtt proxy is healthy (subscribed). */
  start(): Promise<RunningRuntime>
  /** Starts the runtime without waiting for the subscription. */
  startBare(): Promise<RunningRuntime>
  close(rt: RunningRuntime | undefined): Promise<void>
}

/** Starts the broker and the peer for device `Instance-<machine>` of organisation `org`. */
export async function startLedgerRig(machine: string, org: string): Promise<LedgerRig> {
  const dir = mkdtempSync(join(tmpdir(), `petal-${machine}-`))
  const ledger = join(dir, 'ledger.txt')
  const config = join(dir, 'petal.yaml')
  writeFileSync(
    config,
    `enabled_proxies: [mqtt]\nenabled_petals: [petal-ledger]\npetals:\n  petal-ledger: ${join(fixtures, 'ledger.ts')}\n`,
  )
  const broker = await startMosquitto()
  const env = {
    PETAL_MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
    PETAL_MACHINE_ID: machine,
    PETAL_ORGANIZATION_ID: org,
    PETAL_MQTT_OUTBOX_PATH: join(dir, 'outbox.jsonl'),
    PETAL_TEST_LEDGER: ledger,
  }
  const peer = await connectPeer(broker.port, `org/${org}/device/Instance-${machine}`)
  const startBare = () => runRuntime(['--config', config], env, process.cwd(), true)
  return {
    ledger,
    broker,
    peer,
    startBare,
    async start() {
      const rt = await startBare()
      const healthy = async () =>
        ((await rt.getJson('/health/detailed')).proxies as Record<string, { status: string }>).mqtt!
          .status === 'healthy'
      await until(healthy, 10_000, 'the runtime subscribed')
      return rt
    },
    async close(rt) {
      await rt?.stop()
      await peer.close()
      await broker.stop()
    },
  }
}
