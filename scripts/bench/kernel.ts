/**
 * Kernel benchmark (issue: runtime foundation). Five workloads, each run on our kernel and, in the
 * same process, on XState 5 actors and Effect 3 fibers over a `Queue`: ping-pong round trip, tell
 * flood, spawn, restart of a failed child (its trivial `init` included, as it cannot be
 * separated in the baselines), retained heap per idle actor.
 */
import { Effect, Fiber, Queue, Schedule } from 'effect'
import { assign, createActor, sendParent, sendTo, setup } from 'xstate'
import {
  type ActorRef,
  type Behavior,
  createActorSystem,
  type Message,
  supervisor,
} from '../../runtime/kernel/index.ts'
import { type BenchOptions, type BenchResult, bestOf, heapAfterGc, round, timeMs } from './harness.ts'

export async function kernelBench(opts: BenchOptions): Promise<BenchResult> {
  const n = opts.quick ? 20_000 : 200_000
  const runs = opts.quick ? 2 : 5
  const spawnN = opts.quick ? 5_000 : 20_000
  const restartN = opts.quick ? 2_000 : 20_000
  const memN = opts.quick ? 2_000 : 10_000

  const pp = {
    ours: (await bestOf(runs, () => oursPingPong(n))) / n,
    xstate: (await bestOf(runs, () => xstatePingPong(n / 4))) / (n / 4),
    effect: (await bestOf(runs, () => effectPingPong(n / 4))) / (n / 4),
  }
  const flood = {
    ours: n / (await bestOf(runs, () => oursFlood(n))),
    xstate: n / (await bestOf(runs, () => xstateFlood(n))),
    effect: n / (await bestOf(runs, () => effectFlood(n))),
  }
  const spawn = {
    ours: (await bestOf(runs, () => oursSpawn(spawnN))) / spawnN,
    xstate: (await bestOf(runs, () => xstateSpawn(spawnN))) / spawnN,
    effect: (await bestOf(runs, () => effectSpawn(spawnN))) / spawnN,
  }
  const restart = {
    ours: (await bestOf(runs, () => oursRestart(restartN))) / restartN,
    xstate: (await bestOf(runs, () => xstateRestart(restartN))) / restartN,
    effect: (await bestOf(runs, () => effectRestart(restartN))) / restartN,
  }
  const mem = {
    ours: await oursMemory(memN),
    xstate: await xstateMemory(memN),
    effect: await effectMemory(memN),
  }
  const us = (ms: number) => round(ms * 1000, 3)
  const perS = (perMs: number) => Math.round(perMs * 1000)
  return {
    bench: 'kernel',
    rows: [
      {
        case: 'ping-pong round trip',
        metric: 'latency',
        unit: 'us',
        ours: us(pp.ours),
        baselines: { 'xstate 5': us(pp.xstate), 'effect 3 Queue': us(pp.effect) },
        target: '<= 2 us and >= 3x faster than xstate',
        pass: pp.ours * 1000 <= 2 && pp.xstate / pp.ours >= 3,
      },
      {
        case: 'tell flood',
        metric: 'throughput',
        unit: 'msg/s',
        ours: perS(flood.ours),
        baselines: { 'xstate 5': perS(flood.xstate), 'effect 3 Queue': perS(flood.effect) },
        target: '>= 3000000 msg/s',
        pass: flood.ours * 1000 >= 3_000_000,
      },
      {
        case: 'spawn',
        metric: 'latency',
        unit: 'us',
        ours: us(spawn.ours),
        baselines: { 'xstate 5': us(spawn.xstate), 'effect 3 fork': us(spawn.effect) },
        target: '<= 5 us',
        pass: spawn.ours * 1000 <= 5,
      },
      {
        case: 'restart of a failed child',
        metric: 'latency',
        unit: 'us',
        ours: us(restart.ours),
        baselines: { 'xstate 5 (re-create)': us(restart.xstate), 'effect 3 retry': us(restart.effect) },
        target: '<= 20 us',
        pass: restart.ours * 1000 <= 20,
      },
      {
        case: 'retained heap per idle actor',
        metric: 'memory',
        unit: 'bytes',
        ours: Math.round(mem.ours),
        baselines: { 'xstate 5': Math.round(mem.xstate), 'effect 3 fiber': Math.round(mem.effect) },
        target: '<= 1024 bytes',
        pass: mem.ours <= 1024,
      },
    ],
  }
}

// ---- ours -------------------------------------------------------------------------------------

type PingMsg = { type: 'ping'; from: ActorRef<PongMsg> }
type PongMsg = { type: 'pong' } | { type: 'go'; to: ActorRef<PingMsg>; rounds: number; done: () => void }

const ponger: Behavior<null, PingMsg> = {
  init: () => null,
  receive: (s, msg) => {
    msg.from.tell({ type: 'pong' })
    return s
  },
}

interface PingerState {
  to: ActorRef<PingMsg> | null
  left: number
  done: () => void
}

const pinger: Behavior<PingerState, PongMsg> = {
  init: () => ({ to: null, left: 0, done: () => {} }),
  receive: (s, msg, ctx) => {
    if (msg.type === 'go') {
      s.to = msg.to
      s.left = msg.rounds
      s.done = msg.done
    } else if (--s.left === 0) {
      s.done()
      return s
    }
    s.to!.tell({ type: 'ping', from: ctx.self })
    return s
  },
}

async function oursPingPong(rounds: number): Promise<number> {
  const system = createActorSystem()
  const a = await system.spawn('pinger', pinger)
  const b = await system.spawn('ponger', ponger)
  const ms = await timeMs(() => new Promise<void>((done) => a.tell({ type: 'go', to: b, rounds, done })))
  await system.stop()
  return ms
}

type CountMsg = { type: 'n' } | { type: 'wait'; count: number; done: () => void }

function counter(): Behavior<{ n: number; want: number; done: (() => void) | null }, CountMsg> {
  return {
    init: () => ({ n: 0, want: -1, done: null }),
    receive: (s, msg) => {
      if (msg.type === 'wait') {
        s.want = msg.count
        s.done = msg.done
      } else s.n++
      if (s.n === s.want) s.done?.()
      return s
    },
  }
}

async function oursFlood(count: number): Promise<number> {
  const system = createActorSystem()
  const c = await system.spawn('sink', counter(), { mailboxCapacity: count + 1 })
  const msg: CountMsg = { type: 'n' }
  const ms = await timeMs(
    () =>
      new Promise<void>((done) => {
        c.tell({ type: 'wait', count, done })
        for (let i = 0; i < count; i++) c.tell(msg)
      }),
  )
  await system.stop()
  return ms
}

const idle: Behavior<null, Message> = { init: () => null, receive: (s) => s }

async function oursSpawn(count: number): Promise<number> {
  const system = createActorSystem()
  let took = 0
  const parent: Behavior<null, { type: 'spawn'; done: () => void }> = {
    init: () => null,
    receive: (s, msg, ctx) => {
      const t0 = performance.now()
      for (let i = 0; i < count; i++) ctx.spawn('', idle)
      took = performance.now() - t0
      msg.done()
      return s
    },
  }
  const p = await system.spawn('parent', parent, { shutdownMs: 60_000 })
  await new Promise<void>((done) => p.tell({ type: 'spawn', done }))
  await system.stop()
  return took
}

async function oursRestart(count: number): Promise<number> {
  const system = createActorSystem()
  const crashy: Behavior<number, { type: 'boom' } | { type: 'get' }> = {
    init: () => 0,
    receive: (s, msg, ctx) => {
      if (msg.type === 'boom') throw new Error('boom')
      ctx.reply(s)
      return s
    },
  }
  await system.start(
    supervisor({
      intensity: 1e9,
      periodMs: 1,
      children: [{ id: 'crashy', start: crashy, options: { mailboxCapacity: count + 1 } }],
    }),
  )
  const c = system.lookup<{ type: 'boom' } | { type: 'get' }>('/crashy')!
  const ms = await timeMs(async () => {
    for (let i = 0; i < count; i++) c.tell({ type: 'boom' })
    await c.ask({ type: 'get' }, { timeoutMs: 600_000 })
  })
  if (c.getSnapshot().restarts !== count)
    throw new Error(`expected ${count} restarts, saw ${c.getSnapshot().restarts}`)
  await system.stop()
  return ms
}

async function oursMemory(count: number): Promise<number> {
  const system = createActorSystem()
  const refs: ActorRef<Message>[] = []
  const parent: Behavior<null, { type: 'spawn'; k: number; done: () => void }> = {
    init: () => null,
    receive: (s, msg, ctx) => {
      for (let i = 0; i < msg.k; i++) refs.push(ctx.spawn('', idle))
      msg.done()
      return s
    },
  }
  const p = await system.spawn('parent', parent, { shutdownMs: 60_000 })
  await new Promise<void>((done) => p.tell({ type: 'spawn', k: 10, done }))
  const before = heapAfterGc()
  await new Promise<void>((done) => p.tell({ type: 'spawn', k: count, done }))
  // Each actor has handled one message, so its mailbox buffer exists.
  for (const r of refs) r.tell({ type: 'x' })
  await new Promise((r) => setImmediate(r))
  const after = heapAfterGc()
  const perActor = (after - before) / count
  await system.stop()
  return perActor
}

// ---- xstate -----------------------------------------------------------------------------------

const childMachine = setup({}).createMachine({
  on: { PING: { actions: sendParent({ type: 'PONG' }) } },
})

function parentMachine(rounds: number) {
  return setup({ actors: { child: childMachine } }).createMachine({
    context: { left: rounds },
    invoke: { id: 'child', src: 'child' },
    initial: 'running',
    states: {
      running: {
        entry: sendTo('child', { type: 'PING' }),
        on: {
          PONG: [
            { guard: ({ context }) => context.left <= 1, target: 'done' },
            {
              actions: [
                assign({ left: ({ context }) => context.left - 1 }),
                sendTo('child', { type: 'PING' }),
              ],
            },
          ],
        },
      },
      done: { type: 'final' },
    },
  })
}

async function xstatePingPong(rounds: number): Promise<number> {
  const machine = parentMachine(rounds)
  return timeMs(
    () =>
      new Promise<void>((done) => {
        const actor = createActor(machine)
        actor.subscribe({ complete: () => done() })
        actor.start()
      }),
  )
}

const countMachine = setup({}).createMachine({
  context: { n: 0 },
  on: { N: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
})

async function xstateFlood(count: number): Promise<number> {
  const actor = createActor(countMachine).start()
  const ms = await timeMs(() => {
    for (let i = 0; i < count; i++) actor.send({ type: 'N' })
  })
  if (actor.getSnapshot().context.n !== count) throw new Error('xstate flood lost events')
  actor.stop()
  return ms
}

const tinyMachine = setup({}).createMachine({ on: { X: {} } })

async function xstateSpawn(count: number): Promise<number> {
  const actors: { stop(): void }[] = []
  const ms = await timeMs(() => {
    for (let i = 0; i < count; i++) actors.push(createActor(tinyMachine).start())
  })
  for (const a of actors) a.stop()
  return ms
}

const crashMachine = setup({}).createMachine({
  on: {
    BOOM: {
      actions: () => {
        throw new Error('boom')
      },
    },
  },
})

async function xstateRestart(count: number): Promise<number> {
  return timeMs(() => {
    let restarts = 0
    const startOne = (): void => {
      const actor = createActor(crashMachine)
      actor.subscribe({
        error: () => {
          restarts++
          if (restarts < count) queueMicrotask(startOne)
        },
      })
      actor.start()
      actor.send({ type: 'BOOM' })
    }
    return new Promise<void>((done) => {
      const check = (): void => {
        if (restarts >= count) done()
        else setImmediate(check)
      }
      startOne()
      check()
    })
  })
}

async function xstateMemory(count: number): Promise<number> {
  const keep: unknown[] = []
  for (let i = 0; i < 10; i++) keep.push(createActor(tinyMachine).start())
  const before = heapAfterGc()
  for (let i = 0; i < count; i++) {
    const a = createActor(tinyMachine).start()
    a.send({ type: 'X' })
    keep.push(a)
  }
  const after = heapAfterGc()
  retain(keep)
  return (after - before) / count
}

/** Keeps `value` reachable past the last heap measurement (V8 may collect unused locals early). */
let retained: unknown
function retain(value: unknown): void {
  retained = value
  if (retained === 'never') process.stderr.write('')
}

// ---- effect -----------------------------------------------------------------------------------

async function effectPingPong(rounds: number): Promise<number> {
  const program = Effect.gen(function* () {
    const toB = yield* Queue.unbounded<number>()
    const toA = yield* Queue.unbounded<number>()
    const b = yield* Effect.fork(Effect.forever(Effect.flatMap(Queue.take(toB), (x) => Queue.offer(toA, x))))
    for (let i = 0; i < rounds; i++) {
      yield* Queue.offer(toB, i)
      yield* Queue.take(toA)
    }
    yield* Fiber.interrupt(b)
  })
  return timeMs(() => Effect.runPromise(program))
}

async function effectFlood(count: number): Promise<number> {
  const program = Effect.gen(function* () {
    const q = yield* Queue.unbounded<number>()
    const consumer = yield* Effect.fork(
      Effect.gen(function* () {
        for (let i = 0; i < count; i++) yield* Queue.take(q)
      }),
    )
    for (let i = 0; i < count; i++) yield* Queue.offer(q, i)
    yield* Fiber.join(consumer)
  })
  return timeMs(() => Effect.runPromise(program))
}

/** An Effect "actor": a fiber parked on its own mailbox queue (creating the queue is part of spawning). */
async function effectSpawn(count: number): Promise<number> {
  let took = 0
  await Effect.runPromise(
    Effect.gen(function* () {
      const fibers: Fiber.RuntimeFiber<number>[] = []
      const t0 = performance.now()
      for (let i = 0; i < count; i++) {
        const q = yield* Queue.unbounded<number>()
        fibers.push(yield* Effect.fork(Queue.take(q)))
      }
      took = performance.now() - t0
      yield* Fiber.interruptAll(fibers)
    }),
  )
  return took
}

async function effectRestart(count: number): Promise<number> {
  let failures = 0
  const body = Effect.suspend(() => {
    failures++
    return failures < count ? Effect.fail(new Error('boom')) : Effect.void
  })
  return timeMs(() => Effect.runPromise(Effect.retry(body, Schedule.forever)))
}

async function effectMemory(count: number): Promise<number> {
  let perFiber = 0
  await Effect.runPromise(
    Effect.gen(function* () {
      const fibers: Fiber.RuntimeFiber<number>[] = []
      for (let i = 0; i < 10; i++) {
        const q = yield* Queue.unbounded<number>()
        fibers.push(yield* Effect.fork(Queue.take(q)))
      }
      yield* Effect.yieldNow()
      const before = heapAfterGc()
      for (let i = 0; i < count; i++) {
        const q = yield* Queue.unbounded<number>()
        fibers.push(yield* Effect.fork(Queue.take(q)))
      }
      yield* Effect.yieldNow()
      const after = heapAfterGc()
      perFiber = (after - before) / count
      yield* Fiber.interruptAll(fibers)
    }),
  )
  return perFiber
}
