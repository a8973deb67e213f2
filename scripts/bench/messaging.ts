/**
 * Messaging benchmark (issue 4). Command round trip through a real mosquitto on loopback
 * (publish on `command/edge` → the mqtt proxy → the router → petal-example's `ping` → the outbox
 * → `response` received) at 100, 1000 and 5000 commands/s, p50 and p99, and the highest sustained
 * rate (closed loop, 200 in flight); beside a bare mqtt.js echo client (the transport floor) in
 * the same run and process. Redis set/get throughput through the proxy facade (which enables
 * ioredis auto-pipelining) beside raw ioredis with its defaults, the target's baseline, and with
 * auto-pipelining too (100 in flight; alternated, best of five). The outbox runs with the default `PETAL_MQTT_OUTBOX_FSYNC=interval`; two extra
 * rows show `always` (fdatasync before each answer is sent). The broker runs with TCP_NODELAY.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { createRedisProxy } from '../../actors/redis/createRedisProxy.ts'
import { loadConfig } from '../../runtime/config/loadConfig.ts'
import { startRuntime } from '../../runtime/host/startRuntime.ts'
import { silentLogger } from '../../runtime/kernel/index.ts'
import { loadPetals } from '../../runtime/petal/loadPetals.ts'
import { startMosquitto } from '../../test/support/servers/mosquitto.ts'
import { startRedis } from '../../test/support/servers/redis.ts'
import { type BenchOptions, type BenchResult, type BenchRow, round } from './harness.ts'
import { echoClient, loadClient, quantile, type RunResult } from './messagingLoad.ts'

const RATES = [100, 1000, 5000] as const

async function runtimeOn(brokerPort: number, machine: string, fsync: 'always' | 'interval') {
  const dir = mkdtempSync(join(tmpdir(), 'petal-bench-'))
  writeFileSync(join(dir, 'petal.yaml'), 'enabled_proxies: [mqtt]\nenabled_petals: [petal-example]\n')
  const config = loadConfig({
    cwd: dir,
    httpPort: '0',
    env: {
      PETAL_LOG_TO_FILE: 'false',
      PETAL_MQTT_URL: `mqtt://127.0.0.1:${brokerPort}`,
      PETAL_MACHINE_ID: machine,
      PETAL_ORGANIZATION_ID: 'bench',
      PETAL_MQTT_OUTBOX_PATH: join(dir, 'outbox.jsonl'),
      PETAL_MQTT_OUTBOX_FSYNC: String(fsync),
    },
  })
  const { petals } = await loadPetals(config)
  const rt = await startRuntime(config, petals, { log: silentLogger, version: 'bench', onFatal: () => {} })
  const mqtt = rt.host.proxyEntries().get('mqtt')!
  for (let i = 0; i < 100; i++) {
    if (((await mqtt.kind.health(mqtt.ref)) as { status: string }).status === 'healthy') break
    await new Promise((r) => setTimeout(r, 50))
  }
  return rt
}

async function roundTrips(port: number, base: string, command: string, quick: boolean) {
  const load = await loadClient(port, base)
  await load.openLoop(command, 500, quick ? 200 : 1000) // warm-up
  const byRate = new Map<number, RunResult>()
  for (const rate of RATES)
    byRate.set(rate, await load.openLoop(command, rate, Math.round(rate * (quick ? 0.5 : 3))))
  const sustained = await load.closedLoop(command, 200, quick ? 1000 : 3000)
  await load.close()
  return { byRate, sustained: sustained.latencies.length / sustained.seconds }
}

async function redisThroughput(port: number, n: number) {
  const proxy = await createRedisProxy({ host: '127.0.0.1', port })
  const raw = new Redis({ host: '127.0.0.1', port })
  const rawPiped = new Redis({ host: '127.0.0.1', port, enableAutoPipelining: true })
  const batches = async (op: (i: number) => Promise<unknown>): Promise<number> => {
    const t0 = performance.now()
    for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => op(i + j)))
    return n / ((performance.now() - t0) / 1000)
  }
  // Alternated, best of five each: the machine is shared, so single runs are noisy.
  const out = { set: { ours: 0, raw: 0, piped: 0 }, get: { ours: 0, raw: 0, piped: 0 } }
  for (let k = 0; k < 5; k++) {
    out.set.raw = Math.max(out.set.raw, await batches((i) => raw.set(`k${i % 1000}`, 'v')))
    out.set.piped = Math.max(out.set.piped, await batches((i) => rawPiped.set(`k${i % 1000}`, 'v')))
    out.set.ours = Math.max(out.set.ours, await batches((i) => proxy.set(`k${i % 1000}`, 'v')))
    out.get.raw = Math.max(out.get.raw, await batches((i) => raw.get(`k${i % 1000}`)))
    out.get.piped = Math.max(out.get.piped, await batches((i) => rawPiped.get(`k${i % 1000}`)))
    out.get.ours = Math.max(out.get.ours, await batches((i) => proxy.get(`k${i % 1000}`)))
  }
  await proxy.close()
  raw.disconnect()
  rawPiped.disconnect()
  return out
}

export async function messagingBench(opts: BenchOptions): Promise<BenchResult> {
  // Without TCP_NODELAY on the broker, every hop may wait for a delayed ACK (40 ms).
  const broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] })
  const redis = await startRedis()
  try {
    const rt = await runtimeOn(broker.port, 'bench-ours', 'interval')
    const ours = await roundTrips(
      broker.port,
      'org/bench/device/Instance-bench-ours',
      'petal-example/ping',
      opts.quick,
    )
    await rt.stop()
    const rtAlways = await runtimeOn(broker.port, 'bench-always', 'always')
    const always = await roundTrips(
      broker.port,
      'org/bench/device/Instance-bench-always',
      'petal-example/ping',
      true,
    )
    await rtAlways.stop()
    const echo = await echoClient(broker.port, 'org/bench/device/Instance-floor')
    const floor = await roundTrips(broker.port, 'org/bench/device/Instance-floor', 'petal-x/echo', opts.quick)
    await echo.close()
    const rd = await redisThroughput(redis.port, opts.quick ? 5000 : 50_000)

    const ms = (x: number) => round(x, 3)
    const rows: BenchRow[] = []
    for (const rate of RATES) {
      const o = ours.byRate.get(rate)!
      const f = floor.byRate.get(rate)!
      const p50 = quantile([...o.latencies], 0.5)
      const p99 = quantile([...o.latencies], 0.99)
      const f50 = quantile([...f.latencies], 0.5)
      const lost = o.lost > 0 ? ` (${o.lost} of ${o.sent} unanswered)` : ''
      rows.push({
        case: `round trip @${rate}/s p50${lost}`,
        metric: 'latency',
        unit: 'ms',
        ours: ms(p50),
        baselines: { 'mqtt.js echo (floor)': ms(f50) },
        target: rate === 1000 ? '<= 1 ms and <= 1.5x floor' : 'report',
        ...(rate === 1000 ? { pass: p50 <= 1 && p50 <= 1.5 * f50 } : {}),
      })
      rows.push({
        case: `round trip @${rate}/s p99`,
        metric: 'latency',
        unit: 'ms',
        ours: ms(p99),
        baselines: { 'mqtt.js echo (floor)': ms(quantile([...f.latencies], 0.99)) },
        target: rate === 1000 ? '<= 5 ms' : 'report',
        ...(rate === 1000 ? { pass: p99 <= 5 } : {}),
      })
    }
    const al = always.byRate.get(1000)!
    for (const [q, name] of [
      [0.5, 'p50'],
      [0.99, 'p99'],
    ] as const) {
      rows.push({
        case: `round trip @1000/s ${name}, fsync always`,
        metric: 'latency',
        unit: 'ms',
        ours: ms(quantile([...al.latencies], q)),
        baselines: { 'mqtt.js echo (floor)': ms(quantile([...floor.byRate.get(1000)!.latencies], q)) },
        target: 'report',
      })
    }
    rows.push({
      case: 'highest sustained rate (200 in flight)',
      metric: 'throughput',
      unit: 'cmd/s',
      ours: Math.round(ours.sustained),
      baselines: { 'mqtt.js echo (floor)': Math.round(floor.sustained) },
      target: 'report',
    })
    for (const op of ['set', 'get'] as const) {
      rows.push({
        case: `redis ${op} (100 in flight)`,
        metric: 'throughput',
        unit: 'ops/s',
        ours: Math.round(rd[op].ours),
        baselines: {
          'raw ioredis': Math.round(rd[op].raw),
          'raw ioredis, autopipelining': Math.round(rd[op].piped),
        },
        target: '>= 0.8x raw ioredis',
        pass: rd[op].ours >= 0.8 * rd[op].raw,
      })
    }
    return { bench: 'messaging', rows }
  } finally {
    await broker.stop()
    await redis.stop()
  }
}
