/**
 * HTTP and dashboard benchmark (issue #6). The real runtime in this process with 200 more actors
 * under `/bench`: `/health/detailed` latency over keep-alive loopback HTTP, beside `/health` (the
 * floor: routing, hooks and the socket); then the cost of an attached dashboard (a WebSocket
 * client on `/ws/inspect` in a child process) on the runtime's message throughput (a tell flood
 * to one actor) and on an XState machine's event rate (each event an inspected snapshot the hub
 * converts and streams). Runs with and without the client alternate; the best of each is kept.
 */
import { Agent, request } from 'node:http'
import { createActor, createMachine } from 'xstate'
import type { RuntimeHandle } from '../../runtime/host/startRuntime.ts'
import { type Behavior, type SupervisorMsg, terminateChild } from '../../runtime/kernel/index.ts'
import { type BenchOptions, type BenchResult, round } from './harness.ts'
import { attachDashboard, startBenchRuntime } from './httpRuntime.ts'

const ACTORS = 200

export async function httpBench(opts: BenchOptions): Promise<BenchResult> {
  const runtime = await startBenchRuntime(ACTORS)
  try {
    const total = runtime.system.paths().length
    const requests = opts.quick ? 300 : 3000
    const detailed = await latencies(runtime.httpUrl, '/health/detailed', requests)
    const floor = await latencies(runtime.httpUrl, '/health', requests)
    const windowMs = opts.quick ? 300 : 1000
    const runs = opts.quick ? 3 : 7
    const flood = await withAndWithout(runtime, runs, (r) => floodRate(r, windowMs))
    const machine = await withAndWithout(runtime, runs, (r) => machineRate(r, windowMs))
    let bare = 0
    for (let i = 0; i < runs; i++) bare = Math.max(bare, await machineRate(undefined, windowMs))
    const cost = (c: { without: number; with: number }) => round(1 - c.with / c.without, 3)
    return {
      bench: 'http',
      rows: [
        {
          case: `/health/detailed, ${total} actors, p50`,
          metric: 'latency',
          unit: 'ms',
          ours: round(percentile(detailed.times, 0.5), 3),
          baselines: { '/health p50': round(percentile(floor.times, 0.5), 3) },
          target: 'reported',
          details: { bytes: detailed.bytes, requests },
        },
        {
          case: `/health/detailed, ${total} actors, p99`,
          metric: 'latency',
          unit: 'ms',
          ours: round(percentile(detailed.times, 0.99), 3),
          baselines: { '/health p99': round(percentile(floor.times, 0.99), 3) },
          target: 'reported',
        },
        {
          case: 'tell flood, dashboard attached',
          metric: 'throughput',
          unit: 'msg/s',
          ours: Math.round(flood.with),
          baselines: { 'no dashboard': Math.round(flood.without) },
          target: 'cost <= 10%',
          pass: cost(flood) <= 0.1,
          details: { cost: cost(flood), eventsReceived: flood.events },
        },
        {
          case: 'machine events, dashboard attached',
          metric: 'throughput',
          unit: 'event/s',
          ours: Math.round(machine.with),
          baselines: {
            'no dashboard': Math.round(machine.without),
            'xstate, no inspection': Math.round(bare),
          },
          target: 'cost <= 10%',
          pass: cost(machine) <= 0.1,
          details: { cost: cost(machine), eventsReceived: machine.events },
        },
      ],
    }
  } finally {
    await runtime.stop()
  }
}

/** Sequential GETs on one keep-alive connection; per-request wall times in ms. */
async function latencies(base: string, path: string, n: number): Promise<{ times: number[]; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const times: number[] = []
  let bytes = 0
  for (let i = 0; i < n + 20; i++) {
    const t0 = performance.now()
    bytes = await get(`${base}${path}`, agent)
    if (i >= 20) times.push(performance.now() - t0)
  }
  agent.destroy()
  return { times, bytes }
}

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let bytes = 0
      res.on('data', (d: Buffer) => {
        bytes += d.length
      })
      res.on('end', () =>
        res.statusCode === 200 ? resolve(bytes) : reject(new Error(`${url}: ${res.statusCode}`)),
      )
    })
      .on('error', reject)
      .end()
  })
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!
}

/** Alternates runs without and with a dashboard client; the best rate of each. */
async function withAndWithout(
  runtime: RuntimeHandle,
  runs: number,
  rate: (r: RuntimeHandle) => Promise<number>,
): Promise<{ without: number; with: number; events: number }> {
  let without = 0
  let withClient = 0
  let events = 0
  await rate(runtime)
  for (let i = 0; i < runs; i++) {
    without = Math.max(without, await rate(runtime))
    const client = await attachDashboard(runtime.httpUrl)
    withClient = Math.max(withClient, await rate(runtime))
    events += await client.stop()
  }
  return { without, with: withClient, events }
}

type Count = { type: 'inc' } | { type: 'get' }
let seq = 0

/**
 * Runs `chunk` (which does `k` units of work and yields to the event loop) for `windowMs`; the
 * rate in units per second. The hub's batches and tree timer run inside the window and are charged.
 */
async function rateOver(windowMs: number, k: number, chunk: () => Promise<void>): Promise<number> {
  let done = 0
  const t0 = performance.now()
  while (performance.now() - t0 < windowMs) {
    await chunk()
    done += k
  }
  return (done / (performance.now() - t0)) * 1000
}

async function floodRate(runtime: RuntimeHandle, windowMs: number): Promise<number> {
  const counter: Behavior<{ n: number }, Count> = {
    init: () => ({ n: 0 }),
    receive: (s, m, ctx) => {
      if (m.type === 'inc') s.n++
      else ctx.reply(s.n)
      return s
    },
  }
  const id = `flood-${seq++}`
  const k = 10_000
  const ref = await runtime.system.spawn(id, counter, { mailboxCapacity: k + 10 })
  let sent = 0
  const rate = await rateOver(windowMs, k, async () => {
    for (let i = 0; i < k; i++) ref.tell({ type: 'inc' })
    sent += k
    const seen = await ref.ask<number>({ type: 'get' }, { timeoutMs: 60_000 })
    if (seen !== sent) throw new Error(`flood: ${seen} of ${sent} messages arrived`)
  })
  await terminateChild(runtime.system.lookup<SupervisorMsg>('/')!, id)
  return rate
}

const toggle = createMachine({
  id: 'benchToggle',
  initial: 'off',
  states: { off: { on: { FLIP: 'on' } }, on: { on: { FLIP: 'off' } } },
})

/** Events per second through a machine inspected by `runtime` (not inspected at all without one). */
async function machineRate(runtime: RuntimeHandle | undefined, windowMs: number): Promise<number> {
  const actor = createActor(toggle, runtime && { inspect: runtime.system.xstateInspect }).start()
  const k = 500
  const rate = await rateOver(windowMs, k, async () => {
    for (let i = 0; i < k; i++) actor.send({ type: 'FLIP' })
    await new Promise((r) => setImmediate(r))
  })
  actor.stop()
  return rate
}
