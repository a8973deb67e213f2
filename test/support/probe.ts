/**
 * Test actors that record what happens to them in a shared journal: `init:<id>`, `stop:<id>`,
 * `got:<id>:<type>`. Each can be told to fail, to stop itself, or to hang in `stop`.
 */
import {
  type ActorSystem,
  type Behavior,
  createActorSystem,
  type InspectionEvent,
  type SupervisionEvent,
  settle,
  VirtualClock,
} from '../../runtime/kernel/index.ts'

export type ProbeMsg =
  | { type: 'boom' }
  | { type: 'exit' }
  | { type: 'get' }
  | { type: 'slow'; ms: number }
  | { type: 'ping' }

export interface ProbeOptions {
  /** `init` fails when this returns true (called with the init count, from 1). */
  readonly failInit?: (n: number) => boolean
  /** `init` resolves after this many virtual ms. */
  readonly initDelayMs?: number
  /** `stop` never resolves. */
  readonly hangInStop?: boolean
  /** Records `cleanup:<id>:<forced>`. */
  readonly cleanup?: boolean
}

export class Journal {
  readonly entries: string[] = []
  push(e: string): void {
    this.entries.push(e)
  }
  /** Entries matching a prefix, in order. */
  of(prefix: string): string[] {
    return this.entries.filter((e) => e.startsWith(prefix))
  }
  clear(): void {
    this.entries.length = 0
  }
}

export function probe(
  id: string,
  journal: Journal,
  options: ProbeOptions = {},
): Behavior<{ n: number }, ProbeMsg> {
  let inits = 0
  return {
    init: (ctx) => {
      inits++
      journal.push(`init:${id}`)
      if (options.cleanup) ctx.onCleanup((forced) => journal.push(`cleanup:${id}:${forced}`))
      if (options.failInit?.(inits)) throw new Error(`init of ${id} failed`)
      if (options.initDelayMs !== undefined) {
        return new Promise((resolve) => ctx.clock.setTimeout(() => resolve({ n: 0 }), options.initDelayMs!))
      }
      return { n: 0 }
    },
    receive: (s, msg, ctx) => {
      journal.push(`got:${id}:${msg.type}`)
      switch (msg.type) {
        case 'boom':
          throw new Error(`${id} boom`)
        case 'exit':
          ctx.stopSelf()
          return s
        case 'get':
          ctx.reply(s.n)
          return s
        case 'slow':
          return new Promise((resolve) => ctx.clock.setTimeout(() => resolve({ n: s.n + 1 }), msg.ms))
        case 'ping':
          return { n: s.n + 1 }
      }
    },
    stop: () => {
      journal.push(`stop:${id}`)
      if (options.hangInStop) return new Promise(() => {})
      return undefined
    },
  }
}

export interface TestSystem {
  readonly system: ActorSystem
  readonly clock: VirtualClock
  readonly events: InspectionEvent[]
  readonly fatal: unknown[]
  /** Supervision events of one kind, as `path` strings. */
  supervision(kind: SupervisionEvent['kind']): SupervisionEvent[]
  /** Lets promise jobs run; advances virtual time by `ms` (firing timers on the way). */
  tick(ms?: number): Promise<void>
}

export function testSystem(seed = 1): TestSystem {
  const clock = new VirtualClock()
  const fatal: unknown[] = []
  const system = createActorSystem({ clock, seed, onFatal: (e) => fatal.push(e) })
  const events: InspectionEvent[] = []
  system.inspect((e) => events.push(e))
  return {
    system,
    clock,
    events,
    fatal,
    supervision: (kind) =>
      events.filter((e): e is SupervisionEvent => e.type === '@petal.supervision' && e.kind === kind),
    tick: async (ms = 0) => {
      await settle()
      await clock.advanceAsync(ms)
      await settle()
    },
  }
}
