/**
 * The `mqtt` proxy kind as the host runs it: options from `PETAL_*` variables, one actor at
 * `/proxies/mqtt` (which also runs the embedded broker under `--sim`), the {@link MqttFacade},
 * and health from cached state. Commands reach petals through the host's router, which registers
 * itself as a handler.
 */
import type { ProxyKind } from '../ProxyKind.ts'
import { MqttFacade } from './MqttFacade.ts'
import { mqttBehavior } from './mqttActor.ts'
import { type MqttOptions, parseMqttOptions } from './mqttOptions.ts'

/**
 * The mqtt proxy kind.
 *
 * @category proxies
 */
export const mqttKind: ProxyKind<MqttOptions, MqttFacade> = {
  name: 'mqtt',
  title: 'MQTT Proxy',
  parseOptions: (ctx) => parseMqttOptions(ctx),
  child: (options) => ({ start: mqttBehavior(options), shutdownMs: 3000 }),
  facade: (ref) => new MqttFacade(ref),
  health: (ref) => ref.ask({ type: 'health' }, { timeoutMs: 500 }),
  own: (facade, owner) => facade.ownedBy(owner),
}
