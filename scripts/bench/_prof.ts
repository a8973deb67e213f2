import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../runtime/config/loadConfig.ts'
import { startRuntime } from '../../runtime/host/startRuntime.ts'
import { silentLogger } from '../../runtime/kernel/index.ts'
import { loadPetals } from '../../runtime/petal/loadPetals.ts'
import { startMosquitto } from '../../test/support/servers/mosquitto.ts'
import { loadClient, quantile } from './messagingLoad.ts'

const broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] })
const dir = mkdtempSync(join(tmpdir(), 'petal-bench-'))
writeFileSync(join(dir, 'petal.yaml'), 'enabled_proxies: [mqtt]\nenabled_petals: [petal-example]\n')
const config = loadConfig({
  cwd: dir,
  httpPort: '0',
  env: {
    PETAL_LOG_TO_FILE: 'false',
    PETAL_MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
    PETAL_MACHINE_ID: 'lat',
    PETAL_ORGANIZATION_ID: 'bench',
    PETAL_MQTT_OUTBOX_PATH: join(dir, 'o.jsonl'),
  },
})
const { petals } = await loadPetals(config)
const rt = await startRuntime(config, petals, { log: silentLogger, version: 'bench', onFatal: () => {} })
await new Promise((r) => setTimeout(r, 1000))
const load = await loadClient(broker.port, 'org/bench/device/Instance-lat')
const r1 = await load.closedLoop('petal-example/ping', 1, 3000)
console.log('closed 1: n', r1.latencies.length, 'p50', quantile(r1.latencies, 0.5).toFixed(3))
const r2 = await load.closedLoop('petal-example/ping', 200, 4000)
console.log('closed 200: n/s', r2.latencies.length / 4)
await load.close()
await rt.stop()
await broker.stop()
process.exit(0)
