/**
 * Bulk parameter read, two ways. Rules, each tested in `test/machines/paramGet.test.ts`:
 * - **By names**: PARAM_REQUEST_READ by name (index -1), at most `maxInFlight` (default 10) at
 *   once, resent after the adaptive resend interval (default 0.7 s first), at most `1 + maxRetries`
 *   (default 3) times each. Any PARAM_VALUE with a pending name answers it. A PARAM_ERROR or a PX4
 *   "unknown param" STATUSTEXT ends that name at once. At `timeoutTotal` (default 6 s) the result
 *   is partial: what was read, plus the missing names.
 * - **All**: PARAM_REQUEST_LIST, then a quiet time-out restarted by every PARAM_VALUE (first reply
 *   within `listTimeout`, default 2 s, then `quietTimeout`, default 1 s, at least 3× the round
 *   trip). A list that never answers is re-sent up to `listRetries` (default 3) times. After the
 *   stream goes quiet, missing indices are requested by index, 10 in flight (`repairWindow`),
 *   `repairRetries` resends each (default 10: reads are harmless, and 30% loss each way needs
 *   about that many); any PARAM_VALUE that fills a hole is accepted,
 *   whenever it comes. A PARAM_VALUE with another `param_count` means the set changed (ArduPilot
 *   adds parameters when a `*_ENABLE` is set): the table is dropped and the list restarted, at most
 *   `maxResyncs` (default 2) times. PX4's `_HASH_CHECK` is recorded, never counted. At
 *   `timeoutTotal` (default 30 s) the result is partial.
 */
import { enqueueActions, setup } from 'xstate'
import type { FlowEmitted, MavlinkEvent, ParamValueEvent } from './mavlinkEvents.ts'
import {
  complete,
  countChanged,
  type GetContext,
  getWakeDelay,
  namesStep,
  type ParamReading,
  recordListed,
  repairStep,
  resync,
} from './paramGetSteps.ts'
import type { ParamEncoding } from './paramValue.ts'
import { RequestWindow } from './RequestWindow.ts'
import { RttEstimator } from './RttEstimator.ts'

export { HASH_CHECK, type ParamReading } from './paramGetSteps.ts'

/** Options of a bulk get; times in seconds. */
export interface ParamGetOptions {
  /** Overall deadline, s. Default 6 by names, 30 for all. */
  readonly timeoutTotal?: number
  /** By names: resends per name. Default 3. */
  readonly maxRetries?: number
  /** By names: requests at once. Default 10. */
  readonly maxInFlight?: number
  /** First resend interval, s. Default 0.7. */
  readonly resendInterval?: number
  /** Floor of the adapted resend interval, s. Default 0.3. */
  readonly minResendInterval?: number
  /** All: wait for the first reply to a list, s. Default 2. */
  readonly listTimeout?: number
  /** All: the stream is over after this long without a PARAM_VALUE, s. Default 1. */
  readonly quietTimeout?: number
  /** All: list re-sends when nothing answers. Default 3. */
  readonly listRetries?: number
  /** All: index requests at once while repairing. Default 10. */
  readonly repairWindow?: number
  /** All: resends per missing index. Default 10. */
  readonly repairRetries?: number
  /** All: restarts of the list after a count change. Default 2. */
  readonly maxResyncs?: number
}

/** The machine's input: `names` for a read by names, absent for all. */
export interface ParamGetInput {
  readonly names?: readonly string[]
  readonly encoding: ParamEncoding
  readonly options?: ParamGetOptions
  readonly now: () => number
}

/** The machine's output. */
export interface ParamGetReport {
  readonly params: Readonly<Record<string, ParamReading>>
  /** Names not read (by names), with why. */
  readonly missing: readonly string[]
  readonly errors: Readonly<Record<string, string>>
  /** All: indices never read. */
  readonly missingIndices: readonly number[]
  /** All: the autopilot's `param_count` (undefined when nothing answered). */
  readonly count: number | undefined
  /** All: times the count changed and the list was restarted. */
  readonly countChanges: number
  /** PX4's `_HASH_CHECK` value, when one came. */
  readonly hash: number | undefined
  readonly elapsedMs: number
  /** Requests sent in all (PARAM_REQUEST_LIST included). */
  readonly transmissions: number
}

function createContext(input: ParamGetInput): GetContext {
  const o = input.options ?? {}
  const byNames = input.names !== undefined
  const rtt = new RttEstimator({
    initialMs: (o.resendInterval ?? 0.7) * 1000,
    minMs: (o.minResendInterval ?? 0.3) * 1000,
  })
  const window = new RequestWindow<string | number>(
    byNames
      ? { maxInFlight: o.maxInFlight ?? 10, maxRetries: o.maxRetries ?? 3 }
      : { maxInFlight: o.repairWindow ?? 10, maxRetries: o.repairRetries ?? 10 },
    rtt,
  )
  for (const n of input.names ?? []) window.add(n)
  const startedAt = input.now()
  return {
    mode: byNames ? 'names' : 'all',
    now: input.now,
    encoding: input.encoding,
    rtt,
    startedAt,
    deadline: startedAt + (o.timeoutTotal ?? (byNames ? 6 : 30)) * 1000,
    window,
    byName: new Map(),
    errors: new Map(),
    byIndex: new Map(),
    count: undefined,
    listSentAt: startedAt,
    listAttempts: 0,
    listsSent: 0,
    listRetries: o.listRetries ?? 3,
    listTimeoutMs: (o.listTimeout ?? 2) * 1000,
    quietMs: (o.quietTimeout ?? 1) * 1000,
    countChanges: 0,
    maxResyncs: o.maxResyncs ?? 2,
    repairing: false,
    hash: undefined,
    open: window.pending,
  }
}

const emitAll = (enqueue: { emit: (e: FlowEmitted) => void }, list: FlowEmitted[]): void => {
  for (const e of list) enqueue.emit(e)
}

/**
 * The bulk-get flow. Emits `send` and `progress`; outputs a {@link ParamGetReport}.
 *
 * @example
 * const actor = createActor(paramGetMachine, { input: { encoding: 'c-cast', now: clock.now }, clock })
 *
 * @category machines
 */
export const paramGetMachine = setup({
  types: {
    context: {} as GetContext,
    input: {} as ParamGetInput,
    events: {} as MavlinkEvent,
    output: {} as ParamGetReport,
    emitted: {} as FlowEmitted,
  },
  delays: {
    wake: ({ context }) => getWakeDelay(context),
    quiet: ({ context }) =>
      Math.max(
        context.byIndex.size === 0 ? context.listTimeoutMs : context.quietMs,
        3 * (context.rtt.srtt ?? 0),
      ),
    deadline: ({ context }) => Math.max(0, context.deadline - context.now()),
  },
  guards: {
    byNames: ({ context }) => context.mode === 'names',
    namesDone: ({ context }) => context.open <= 0,
    complete: ({ context }) => complete(context),
    countKnown: ({ context }) => context.count !== undefined,
    mayRelist: ({ context }) => context.listAttempts <= context.listRetries,
    repaired: ({ context }) => context.repairing && context.window.pending === 0,
    countChanged: ({ context, event }) => countChanged(context, event as ParamValueEvent),
  },
  actions: {
    namesStep: enqueueActions(({ context, event, enqueue }) => emitAll(enqueue, namesStep(context, event))),
    sendList: enqueueActions(({ context, enqueue }) => {
      context.listAttempts++
      context.listsSent++
      context.listSentAt = context.now()
      enqueue.emit({ type: 'send', message: { kind: 'PARAM_REQUEST_LIST' } })
    }),
    record: enqueueActions(({ context, event, enqueue }) =>
      emitAll(enqueue, recordListed(context, event as ParamValueEvent)),
    ),
    resync: ({ context, event }) => resync(context, event as ParamValueEvent),
    repairStep: enqueueActions(({ context, enqueue }) => emitAll(enqueue, repairStep(context))),
  },
}).createMachine({
  id: 'paramGet',
  context: ({ input }) => createContext(input),
  initial: 'start',
  states: {
    start: { always: [{ guard: 'byNames', target: 'names' }, { target: 'all' }] },
    names: {
      entry: 'namesStep',
      always: { guard: 'namesDone', target: 'done' },
      after: { wake: { target: 'names', reenter: true } },
      on: {
        PARAM_VALUE: { target: 'names', reenter: true },
        PARAM_ERROR: { target: 'names', reenter: true },
        STATUSTEXT: { target: 'names', reenter: true },
        CANCEL: { target: 'names', reenter: true },
      },
    },
    all: {
      initial: 'listing',
      after: { deadline: 'done' },
      on: { CANCEL: 'done' },
      states: {
        listing: {
          entry: 'sendList',
          initial: 'quiet',
          states: {
            quiet: {
              after: { quiet: '#paramGet.all.listed' },
              on: {
                PARAM_VALUE: [
                  {
                    guard: 'countChanged',
                    target: '#paramGet.all.listing',
                    reenter: true,
                    actions: 'resync',
                  },
                  { target: 'quiet', reenter: true, actions: 'record' },
                ],
              },
            },
          },
          always: { guard: 'complete', target: '#paramGet.done' },
        },
        listed: {
          always: [
            { guard: 'complete', target: '#paramGet.done' },
            { guard: 'countKnown', target: 'repairing' },
            { guard: 'mayRelist', target: 'listing' },
            { target: '#paramGet.done' },
          ],
        },
        repairing: {
          entry: 'repairStep',
          always: [
            { guard: 'complete', target: '#paramGet.done' },
            { guard: 'repaired', target: '#paramGet.done' },
          ],
          after: { wake: { target: 'repairing', reenter: true } },
          on: {
            PARAM_VALUE: [
              { guard: 'countChanged', target: 'listing', actions: 'resync' },
              { target: 'repairing', reenter: true, actions: 'record' },
            ],
          },
        },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => {
    const params: Record<string, ParamReading> = {}
    for (const [name, r] of context.byName) params[name] = r
    const missingIndices: number[] = []
    if (context.mode === 'all' && context.count !== undefined)
      for (let i = 0; i < context.count; i++) if (!context.byIndex.has(i)) missingIndices.push(i)
    return {
      params,
      missing: [...context.errors.keys()],
      errors: Object.fromEntries(context.errors),
      missingIndices,
      count: context.count,
      countChanges: context.countChanges,
      hash: context.hash,
      elapsedMs: context.now() - context.startedAt,
      transmissions: context.window.sent + context.listsSent,
    }
  },
})
