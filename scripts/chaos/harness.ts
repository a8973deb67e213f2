/**
 * One chaos run: real redis-server and mosquitto (and DynamoDB Local behind a TCP fault proxy
 * when Java is there), the simulated vehicle behind the lossy link, the whole runtime (`petal
 * start`, the shipped petals plus petal-chaos) as a child restarted like an init system would,
 * the load, and the seeded fault schedule. Ends the load, lifts every fault, lets the system
 * settle (every command answered, the sync outbox drained), reads what the local DB, DynamoDB
 * and the vehicle hold, and returns the history for the invariant checkers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateTableCommand } from '@aws-sdk/client-dynamodb'
import { rawDynamo, scanAll } from '../../test/support/dynamoTables.ts'
import { type FaultProxy, startFaultProxy } from '../../test/support/faultProxy.ts'
import { type DynamoDbLocal, startDynamoDbLocal } from '../../test/support/servers/dynamodbLocal.ts'
import { startMosquitto } from '../../test/support/servers/mosquitto.ts'
import { startRedis } from '../../test/support/servers/redis.ts'
import { hasCommand, type ServerProcess } from '../../test/support/servers/serverProcess.ts'
import type { CloudItem, DbCheck, FaultEvent, History, RestartPolicy } from './history.ts'
import { LoadGenerator } from './loadGenerator.ts'
import { Observer } from './observer.ts'
import { RuntimeManager } from './runtimeManager.ts'
import { keepOnly, makeSchedule } from './schedule.ts'
import { startVehicle } from './vehicle.ts'

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  readonly seed: number
  /** Length of the load phase, ms (faults happen inside it). */
  readonly durationMs: number
  /** Keep only these fault ids of the seed's schedule (replaying a shrunk schedule). */
  readonly only?: ReadonlySet<number>
  /** Run without DynamoDB even when Java is installed. */
  readonly noCloud?: boolean
  /** Arm the runtime's fault points (default true). */
  readonly faultPoints?: boolean
  /** Mean gap between faults, ms (default 6000). */
  readonly meanGapMs?: number
  /** Progress lines. */
  readonly log?: (line: string) => void
}

/** What a run returns besides its history. */
export interface ChaosRun {
  readonly history: History
  /** Load figures that are not invariants (rates, pub/sub, link counters). */
  readonly load: Readonly<Record<string, number | string>>
  /** Whether a message published after the load reached the chaos petal's Redis subscription. */
  readonly pubsubDelivered: boolean
  /** The runtime's last output, for a failing run's report. */
  readonly runtimeTail: string
}

const WARMUP_MS = 5000
const SETTLE_MS = 60_000
const MACHINE = 'chaos'
const ORG = 'org-chaos'
const TABLE = 'chaos_writes'

/** Restart budgets the run configures, and the policies the checker holds the tree to. */
const POLICIES: readonly RestartPolicy[] = [
  { pathPrefix: '/proxies/', intensity: 10, periodMs: 60_000, backoff: { minMs: 200, maxMs: 10_000 } },
  { pathPrefix: '/petals/', intensity: 5, periodMs: 60_000, backoff: { minMs: 100, maxMs: 10_000 } },
  {
    pathPrefix: '/petals/petal-chaos',
    intensity: 40,
    periodMs: 60_000,
    backoff: { minMs: 100, maxMs: 2000 },
  },
]

/** The fault points the runtime arms (PETAL_FAULTS): aimed at the petals, rare. */
function faultPoints(seed: number): string {
  return JSON.stringify({
    seed,
    points: {
      'mailbox.delay': { p: 0.02, maxMs: 100, match: '/petals/' },
      'timer.late': { p: 0.05, maxMs: 200, match: '/petals/' },
      'actor.init.fail': { p: 0.1, match: '/petals/petal-chaos' },
      'proxy.call.fail': { p: 0.005, match: 'db' },
      'mailbox.drop': { p: 0.002, match: '/petals/petal-example' },
    },
  })
}

function configYaml(chaosPetal: string): string {
  const budget = (p: RestartPolicy) =>
    `{ intensity: ${p.intensity}, period_ms: ${p.periodMs}, backoff: { min_ms: ${p.backoff.minMs}, max_ms: ${p.backoff.maxMs}, jitter: 0.2 } }`
  return [
    'enabled_proxies: [ext_mavlink, mqtt, redis, db]',
    'enabled_petals: [petal-example, petal-parameter-config, petal-chaos]',
    'petals:',
    `  petal-chaos: ${chaosPetal}`,
    'supervision:',
    `  proxies: ${budget(POLICIES[0]!)}`,
    `  petals: ${budget(POLICIES[1]!)}`,
    '  by_petal:',
    `    petal-chaos: ${budget(POLICIES[2]!)}`,
    '',
  ].join('\n')
}

async function createChaosTable(endpoint: string): Promise<void> {
  await rawDynamo(endpoint).send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'key', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'key', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Restarts a killed server, retrying while its port is still held. */
async function revive(server: ServerProcess): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await server.restart()
      return
    } catch (e) {
      if (i >= 10) throw e
      await sleep(200)
    }
  }
}

/**
 * Runs the whole system under the seed's schedule and returns what it observed.
 *
 * @example
 * const { history } = await runChaos({ seed: 1, durationMs: 60_000 })
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosRun> {
  const log = o.log ?? (() => {})
  const wallStart = Date.now()
  const now = () => Date.now() - wallStart
  const dir = mkdtempSync(join(tmpdir(), 'petal-chaos-'))
  const withCloud = !o.noCloud && hasCommand('java')
  const schedule = keepOnly(
    makeSchedule({
      seed: o.seed,
      warmupMs: WARMUP_MS,
      loadMs: o.durationMs,
      meanGapMs: o.meanGapMs ?? 6000,
      ...(withCloud ? {} : { without: ['cloud-down'] }),
    }),
    o.only,
  )
  const stops: (() => Promise<unknown>)[] = []
  try {
    log(`starting servers${withCloud ? ' (with DynamoDB Local)' : ' (no DynamoDB: Java not found)'}`)
    const [redis, broker, dynamo] = await Promise.all([
      startRedis(),
      startMosquitto({ persistence: true, extraConfig: ['autosave_interval 1'] }),
      withCloud ? startDynamoDbLocal() : Promise.resolve(undefined as DynamoDbLocal | undefined),
    ])
    stops.push(
      () => redis.stop(),
      () => broker.stop(),
    )
    if (dynamo !== undefined) stops.push(() => dynamo.stop())
    let cloudGate: FaultProxy | undefined
    if (dynamo !== undefined) {
      await createChaosTable(dynamo.endpoint)
      cloudGate = await startFaultProxy(dynamo.port)
      const gate = cloudGate
      stops.push(() => gate.close())
    }
    const BASE_LOSS = 0.02
    const vehicle = await startVehicle(o.seed, BASE_LOSS)
    stops.push(() => vehicle.close())

    const chaosPetal = join(import.meta.dirname, 'petals', 'petal-chaos.mjs')
    const config = join(dir, 'petal.yaml')
    writeFileSync(config, configYaml(chaosPetal))
    const env: Record<string, string> = {
      PETAL_MACHINE_ID: MACHINE,
      PETAL_ORGANIZATION_ID: ORG,
      PETAL_MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
      PETAL_MQTT_OUTBOX_PATH: join(dir, 'outbox.jsonl'),
      PETAL_REDIS_HOST: '127.0.0.1',
      PETAL_REDIS_PORT: String(redis.port),
      PETAL_MAVLINK_ENDPOINT: vehicle.endpoint,
      PETAL_LOCAL_DB_PATH: join(dir, 'petal.db'),
      PETAL_LOG_LEVEL: 'warn',
      ...(cloudGate === undefined
        ? {}
        : {
            PETAL_LOCAL_DB_SYNC: 'true',
            PETAL_CLOUD_ENDPOINT: `http://127.0.0.1:${cloudGate.port}`,
            PETAL_CLOUD_REGION: 'us-east-1',
            PETAL_CLOUD_ACCESS_KEY_ID: 'test',
            PETAL_CLOUD_SECRET_ACCESS_KEY: 'test',
            PETAL_CLOUD_RETRY_INTERVAL: '2',
            PETAL_CLOUD_REQUEST_TIMEOUT: '5',
          }),
      ...(o.faultPoints === false ? {} : { PETAL_FAULTS: faultPoints(o.seed) }),
    }
    const dbChecks: DbCheck[] = []
    const runtime = new RuntimeManager({
      args: ['--config', config, '--log-level', 'info'],
      env,
      cwd: dir,
      now,
      wallStart,
      onReady: (incarnation) => {
        if (incarnation > 0) void readDb(runtime, now).then((c) => c && dbChecks.push(c))
      },
    })
    stops.push(() => runtime.stop())
    log('starting the runtime')
    await runtime.start().catch((e: unknown) => {
      log(`the runtime did not become ready (${(e as Error).message.split('\n')[0]}); trying again`)
      return runtime.whenReady()
    })
    const observer = new Observer(runtime, now)
    observer.start()
    const load = new LoadGenerator({
      mqttPort: broker.port,
      redisPort: redis.port,
      base: `org/${ORG}/device/Instance-${MACHINE}`,
      runtime,
      vehicle,
      now,
      seed: o.seed,
    })
    await load.start()
    const loadStart = now()
    log(`load running; ${schedule.length} faults scheduled over ${o.durationMs / 1000} s`)

    /** Takes a server (or the link) down for `ms`, and times its proxy's recovery. */
    const outage = async (
      server: Parameters<Observer['outage']>[0],
      ms: number,
      how: { down: () => unknown; up: () => unknown },
    ): Promise<void> => {
      const back = observer.outage(server, now())
      await how.down()
      await sleep(ms)
      await how.up()
      back(now())
    }
    const inject = async (e: FaultEvent): Promise<void> => {
      await sleep(Math.max(0, loadStart + e.at - now()))
      log(`fault #${e.id} ${e.kind} for ${e.durationMs} ms`)
      switch (e.kind) {
        case 'link-loss':
          vehicle.setLoss(e.loss ?? 0.3)
          await sleep(e.durationMs)
          vehicle.setLoss(BASE_LOSS)
          return
        case 'link-cut':
          return outage('mavlink', e.durationMs, {
            down: () => vehicle.cut(true),
            up: () => vehicle.cut(false),
          })
        case 'redis-kill':
          return outage('redis', e.durationMs, { down: () => redis.kill9(), up: () => revive(redis) })
        case 'mqtt-kill':
          return outage('mqtt', e.durationMs, { down: () => broker.kill9(), up: () => revive(broker) })
        case 'cloud-down': {
          const gate = cloudGate
          if (gate === undefined) return
          return outage('cloud', e.durationMs, { down: () => gate.down(), up: () => gate.up() })
        }
        case 'petal-crash-loop':
          load.crashLoop(e.crashes ?? 3)
          return
        case 'runtime-kill':
          await runtime.kill9(e.durationMs)
          return
      }
    }
    const faults = Promise.all(schedule.map((e) => inject(e)))
    await sleep(Math.max(0, loadStart + o.durationMs - now()))
    log('load phase over: lifting faults and settling')
    await load.stopLoad()
    await faults
    await runtime.whenReady()
    const pubsubMs = await load.probePubsub(async () => {
      const doc = await runtime.getJson('/petals/petal-chaos/pubsub')
      return typeof doc?.lastSeq === 'number' ? doc.lastSeq : undefined
    })
    await load.settle(SETTLE_MS)
    const finalCheck = await readDb(runtime, now)
    if (finalCheck !== undefined) dbChecks.push(finalCheck)
    let cloudItems: CloudItem[] | undefined
    if (dynamo !== undefined) {
      await waitForSyncDrain(runtime, SETTLE_MS)
      cloudItems = (await scanAll(rawDynamo(dynamo.endpoint), TABLE)).map((i) => ({
        key: Number(i.key),
        value: String(i.value),
        version: Number(i._sync_version),
      }))
    }
    observer.stop()
    await runtime.stop()
    const commands = load.commandRecords()
    const stats = vehicle.link.stats
    return {
      history: {
        seed: o.seed,
        durationMs: o.durationMs,
        loadStartAt: loadStart,
        schedule: schedule.map((e) => ({ ...e, at: e.at + loadStart })),
        commands,
        writes: load.writes,
        dbChecks,
        ...(cloudItems === undefined ? {} : { cloudItems }),
        paramSets: load.paramSets,
        supervision: runtime.supervision,
        policies: POLICIES,
        exits: runtime.exits,
        recoveries: observer.recoveries,
        starts: runtime.starts,
        samples: observer.samples,
      },
      load: {
        commands: commands.length,
        'command sends': commands.reduce((n, c) => n + c.sentAt.length, 0),
        'writes acknowledged': load.writes.length,
        'bulk sets': load.paramSets.length,
        'pub/sub published': load.published,
        'pub/sub after the last outage':
          pubsubMs === undefined ? 'NOT delivered within 10 s' : `delivered in ${pubsubMs} ms`,
        'link frames up/down': `${stats.up.sent}/${stats.down.sent}`,
        'link frames lost up/down': `${stats.up.lost}/${stats.down.lost}`,
        'runtime incarnations': runtime.starts.length,
        'fault points fired': firedSummary(observer.faultsFired),
      },
      pubsubDelivered: pubsubMs !== undefined,
      runtimeTail: runtime.output(),
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

/** What the chaos table holds now, read through the runtime (retried while the petal starts). */
async function readDb(runtime: RuntimeManager, now: () => number): Promise<DbCheck | undefined> {
  for (let i = 0; i < 50; i++) {
    const at = now()
    const doc = await runtime.getJson('/petals/petal-chaos/keys')
    if (doc?.present !== undefined) return { at, present: doc.present as Record<string, string> }
    await sleep(200)
  }
  return undefined
}

/** Waits until the sync outbox is empty (or `timeoutMs`). */
async function waitForSyncDrain(runtime: RuntimeManager, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const h = await runtime.getJson('/health/detailed')
    const db = ((h?.proxies ?? {}) as Record<string, { sync?: { queue_depth?: number } }>).db
    if (db?.sync?.queue_depth === 0) return
    await sleep(250)
  }
}

/** `mailbox.delay 12, timer.late 30, ...` summed over the incarnations. */
function firedSummary(perIncarnation: ReadonlyMap<number, Record<string, number>>): string {
  const total: Record<string, number> = {}
  for (const fired of perIncarnation.values())
    for (const [name, n] of Object.entries(fired)) total[name] = (total[name] ?? 0) + n
  const parts = Object.entries(total).map(([name, n]) => `${name} ${n}`)
  return parts.length === 0 ? 'none (not armed)' : parts.join(', ')
}
