/**
 * An mqtt proxy outside the petal host: its own small actor system with the proxy actor
 * supervised (`startSupervised`: restarted on a crash, up to 5 times a minute), the same facade
 * petals get, and `close()`. Options default as the `PETAL_*` variables do; `machineId` is required.
 */
import { join } from 'node:path'
import { type Logger, silentLogger } from '../../runtime/kernel/index.ts'
import { startSupervised } from '../standaloneProxy.ts'
import { MqttFacade } from './MqttFacade.ts'
import { mqttBehavior } from './mqttActor.ts'
import { DEFAULT_THING_PARAMETERS_PATH, type MqttOptions } from './mqttOptions.ts'

/** A standalone mqtt proxy: the facade plus `close`. */
export interface StandaloneMqttProxy extends MqttFacade {
  /** Sends what it can within the shutdown time, disconnects, and stops the proxy actor. */
  close(): Promise<void>
}

/** Options of {@link createMqttProxy}: `url` and `machineId` are required. */
export type CreateMqttProxyOptions = Partial<MqttOptions> &
  Pick<MqttOptions, 'url' | 'machineId'> & { readonly log?: Logger }

/**
 * Starts a standalone mqtt proxy.
 *
 * @example
 * const mqtt = await createMqttProxy({ url: 'mqtt://localhost:1883', machineId: 'abc', organizationId: 'org-1' })
 * mqtt.registerHandler((topic, cmd) => console.log(cmd.command))
 * await mqtt.close()
 *
 * @category constructors
 */
export async function createMqttProxy(options: CreateMqttProxyOptions): Promise<StandaloneMqttProxy> {
  const log = options.log ?? silentLogger
  const full: MqttOptions = {
    clientId: `petal-${options.machineId}`,
    thingParametersPath: DEFAULT_THING_PARAMETERS_PATH,
    organizationPollMs: 2000,
    topics: { commandEdge: 'command/edge', response: 'response', commandWeb: 'command/web' },
    outboxPath: join('data', 'mqtt-outbox.jsonl'),
    outboxFsync: 'interval',
    outboxLimit: 10_000,
    reconnect: { minMs: 100, maxMs: 2000 },
    ...options,
  }
  const { ref, close } = await startSupervised('mqtt', mqttBehavior(full), {
    system: { logger: log },
    shutdownMs: 3000,
  })
  return Object.assign(new MqttFacade(ref, undefined, log), { close })
}
