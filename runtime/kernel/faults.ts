/**
 * Fault points: the one list of places where the runtime's own code misbehaves on purpose, so a
 * chaos run or a test can show that the tree survives it. Inert unless a {@link FaultPlan} arms them
 * (`createActorSystem({ faults })`, or `PETAL_FAULTS` at `petal start`); unarmed, each place costs
 * one null check. An armed point fires with probability `p`, only where its `match` (a substring of
 * the actor path; of the proxy name for `proxy.call.fail`) hits, and draws from its own stream seeded
 * from the plan's seed, so a seed replays the same decisions and arming one point never shifts
 * another's. `maxMs` (default 100) bounds delays. Supervisors and the system lane are never subject.
 */
import { ActorRef, type RefTarget } from './ActorRef.ts'
import type { Message } from './Behavior.ts'
import { type Random, seededRandom } from './seededRandom.ts'

/**
 * Every fault point, with what it does when it fires. The keys are the names a plan uses.
 *
 * @category fault injection
 */
export const FAULT_POINTS = {
  'mailbox.delay':
    "a user-lane message to a worker is delivered 1..maxMs ms late (later messages may overtake it); an ask's time-out still runs",
  'mailbox.drop':
    'a user-lane message to a worker is dropped: a dead letter with reason `fault`; its ask fails with MessageDropped',
  'actor.init.fail':
    "a worker's init throws FaultInjected before it runs; its supervisor restarts it as for any failure",
  'proxy.call.fail':
    "a petal's call through a proxy facade fails with ProxyUnavailable without being sent (tells pass); match is on the proxy name",
  'timer.late':
    'a timer a worker registers through its context fires 1..maxMs ms late (ctx.setTimeout, and each ctx.setInterval tick)',
} as const

/** A fault point's name. */
export type FaultPointName = keyof typeof FAULT_POINTS

/** The names of {@link FAULT_POINTS}, in their listed order. */
export const FAULT_POINT_NAMES = Object.keys(FAULT_POINTS) as readonly FaultPointName[]

/** Default bound of `mailbox.delay` and `timer.late`, ms. */
export const DEFAULT_FAULT_MAX_MS = 100

/** How one point is armed. */
export interface FaultPointSpec {
  /** Probability of firing at each chance, 0..1 (0 never fires, 1 always). */
  readonly p: number
  /** Bound of the delay, ms, >= 0 (default 100); used by `mailbox.delay` and `timer.late` only. */
  readonly maxMs?: number
  /** Fire only where the actor path (proxy name for `proxy.call.fail`) contains this. */
  readonly match?: string
}

/** Which points are armed, and the seed of their draws (default: the system's seed). */
export interface FaultPlan {
  readonly seed?: number
  readonly points: { readonly [P in FaultPointName]?: FaultPointSpec }
}

/** What is wrong with a plan: the key, the expected form and what was found. */
export interface FaultPlanProblem {
  readonly key: string
  readonly expected: string
  readonly found: string
}

/**
 * The problems of `input` as a {@link FaultPlan} (none when it is one): unknown point names, `p`
 * outside 0..1, a negative `maxMs`, a non-string `match`, a non-integer seed.
 *
 * @example
 * faultPlanProblems({ points: { 'mailbox.dely': { p: 1 } } })[0]?.key // 'points.mailbox.dely'
 *
 * @category fault injection
 */
export function faultPlanProblems(input: unknown): FaultPlanProblem[] {
  const out: FaultPlanProblem[] = []
  if (!isRecord(input)) return [{ key: '', expected: 'an object { seed?, points }', found: shown(input) }]
  for (const key of Object.keys(input)) {
    if (key !== 'seed' && key !== 'points') out.push({ key, expected: 'only seed and points', found: key })
  }
  if (input.seed !== undefined && !Number.isSafeInteger(input.seed))
    out.push({ key: 'seed', expected: 'an integer', found: shown(input.seed) })
  const points = input.points
  if (!isRecord(points)) {
    out.push({ key: 'points', expected: 'an object of fault points', found: shown(points) })
    return out
  }
  for (const [name, spec] of Object.entries(points)) {
    const key = `points.${name}`
    if (!(name in FAULT_POINTS)) {
      out.push({ key, expected: `a fault point (${FAULT_POINT_NAMES.join(', ')})`, found: `'${name}'` })
    } else if (!isRecord(spec)) {
      out.push({ key, expected: 'an object { p, maxMs?, match? }', found: shown(spec) })
    } else {
      for (const k of Object.keys(spec)) {
        if (k !== 'p' && k !== 'maxMs' && k !== 'match')
          out.push({ key: `${key}.${k}`, expected: 'only p, maxMs and match', found: k })
      }
      const { p, maxMs, match } = spec
      if (typeof p !== 'number' || !(p >= 0 && p <= 1))
        out.push({ key: `${key}.p`, expected: 'a probability 0..1', found: shown(p) })
      if (maxMs !== undefined && (typeof maxMs !== 'number' || !(maxMs >= 0) || !Number.isFinite(maxMs)))
        out.push({ key: `${key}.maxMs`, expected: 'a number of ms >= 0', found: shown(maxMs) })
      if (match !== undefined && typeof match !== 'string')
        out.push({ key: `${key}.match`, expected: 'a string', found: shown(match) })
    }
  }
  return out
}

interface ArmedPoint {
  readonly p: number
  readonly maxMs: number
  readonly match: string | undefined
  readonly random: Random
}

/** What `/health/detailed` shows of an armed plan. */
export interface FaultReport {
  readonly armed: true
  readonly seed: number
  readonly fired: Readonly<Record<FaultPointName, number>>
}

/**
 * An armed plan: decides, at each chance, whether a point fires, and counts what fired.
 *
 * @category fault injection
 */
export class Faults {
  readonly seed: number
  /** How often each point fired so far. */
  readonly fired: Record<FaultPointName, number>
  private readonly armed: Partial<Record<FaultPointName, ArmedPoint>> = {}

  /** Throws `RangeError` when `plan` has problems (see {@link faultPlanProblems}). */
  constructor(
    readonly plan: FaultPlan,
    fallbackSeed: number,
  ) {
    const problems = faultPlanProblems(plan)
    if (problems.length > 0) {
      const p = problems[0]!
      throw new RangeError(`fault plan: ${p.key}: expected ${p.expected}, found ${p.found}`)
    }
    this.seed = plan.seed ?? fallbackSeed
    this.fired = Object.fromEntries(FAULT_POINT_NAMES.map((n) => [n, 0])) as Record<FaultPointName, number>
    FAULT_POINT_NAMES.forEach((name, i) => {
      const spec = plan.points[name]
      if (spec === undefined) return
      this.armed[name] = {
        p: spec.p,
        maxMs: spec.maxMs ?? DEFAULT_FAULT_MAX_MS,
        match: spec.match,
        random: seededRandom((this.seed + Math.imul(i + 1, 0x9e3779b9)) >>> 0),
      }
    })
  }

  /** True when `point` fires for `subject` (an actor path, or a proxy name); counts it. */
  fires(point: FaultPointName, subject: string): boolean {
    const a = this.armed[point]
    if (a === undefined || (a.match !== undefined && !subject.includes(a.match))) return false
    if (a.random() >= a.p) return false
    this.fired[point]++
    return true
  }

  /** The delay `point` adds for `subject` (1..maxMs ms, 0 when maxMs is 0), or -1 when it does not fire. */
  delayMs(point: 'mailbox.delay' | 'timer.late', subject: string): number {
    if (!this.fires(point, subject)) return -1
    const a = this.armed[point]!
    return a.maxMs === 0 ? 0 : 1 + Math.floor(a.random() * a.maxMs)
  }

  /** The `timer.late` draw of the context timers of the worker at `path`; undefined when unarmed. */
  lateTimers(path: string): (() => number) | undefined {
    return this.armed['timer.late'] === undefined ? undefined : () => this.delayMs('timer.late', path)
  }

  /**
   * `ref` as a caller of proxy `name` sees it: an ask fails with `unavailable()` when
   * `proxy.call.fail` fires, instead of being sent; tells pass. `ref` itself when that point is off.
   */
  callsTo<M extends Message>(ref: ActorRef<M>, name: string, unavailable: () => Error): ActorRef<M> {
    if (this.armed['proxy.call.fail'] === undefined) return ref
    const real = ref.target
    const target: RefTarget = {
      path: real.path,
      id: real.id,
      get parentRef() {
        return real.parentRef
      },
      deliver: (msg, reply) => real.deliver(msg, reply),
      request: (msg, timeoutMs) =>
        this.fires('proxy.call.fail', name) ? Promise.reject(unavailable()) : real.request(msg, timeoutMs),
      snapshot: () => real.snapshot(),
    }
    return new ActorRef<M>(target)
  }

  /** One line listing the armed points, for the start-up warning. */
  describe(): string {
    return Object.entries(this.armed)
      .map(([name, a]) => {
        const uses = name === 'mailbox.delay' || name === 'timer.late' ? ` maxMs=${a.maxMs}` : ''
        return `${name} p=${a.p}${uses}${a.match === undefined ? '' : ` match=${a.match}`}`
      })
      .join(', ')
  }

  /** The health view: seed and counts. */
  report(): FaultReport {
    return { armed: true, seed: this.seed, fired: { ...this.fired } }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing'
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}
