/**
 * Bulk parameter set over a lossy link (the original's `set_params_bulk_lossy`, without its
 * defects). Rules, each tested in `test/machines/paramSet.test.ts`:
 * - Parameters go out as PARAM_SET, at most `maxInFlight` (default 8) at a time, in input order;
 *   with `adaptiveWindow: N` the window grows up to N while the link shows no queueing.
 * - In-flight is tracked per parameter: a request is resent after the resend interval (default
 *   0.8 s, then adapted to about 3× the measured round trip), which frees its slot, so lost frames
 *   never stall the window. Each parameter is sent at most `1 + maxRetries` times (default 3
 *   retries; the original counted 3 transmissions in all).
 * - An echo (PARAM_VALUE) is matched by name, whatever its index (ArduPilot echoes 65535), and only
 *   after our first PARAM_SET for it. It confirms when its value equals the request exactly:
 *   REAL32 through `Math.fround`, integers exactly, decoded C-cast or bytewise as the peer uses.
 * - A different echo triggers one immediate resend; the same different value again means the
 *   autopilot clamped or rounded it: `adjusted`. A PARAM_ERROR rejects at once; so does an echo of
 *   another value after a "Param write denied" STATUSTEXT, or a PX4 "unknown param" STATUSTEXT.
 * - At `timeoutTotal` (default 8 s), or when a parameter runs out of transmissions, it ends as
 *   `rejected` (denied), `adjusted` (a different echo was seen) or `timeout`. CANCEL ends all now.
 * Time comes from the actor's clock (`createActor(machine, { clock })`) and `input.now`.
 */
import { enqueueActions, setup } from 'xstate'
import type { FlowEmitted, MavlinkEvent } from './mavlinkEvents.ts'
import { type ParamSetResult, type SetContext, setItems, setStep, setWakeDelay } from './paramSetSteps.ts'
import type { ParamToSet } from './paramSpec.ts'
import type { ParamEncoding } from './paramValue.ts'
import { RequestWindow } from './RequestWindow.ts'
import { RttEstimator } from './RttEstimator.ts'

export type { ParamSetResult, ParamSetStatus } from './paramSetSteps.ts'

/** Options of a bulk set; times in seconds, as the original's keyword arguments. */
export interface ParamSetOptions {
  /** Overall deadline, s. Default 8. */
  readonly timeoutTotal?: number
  /** Resends per parameter after the first PARAM_SET. Default 3. */
  readonly maxRetries?: number
  /** Parameters awaiting their echo at once (the starting window when adaptive). Default 8. */
  readonly maxInFlight?: number
  /**
   * Grow the window from `maxInFlight` up to this while the link shows no queueing (delay-based,
   * see `RequestWindow.ts`). Default: off (a fixed window of `maxInFlight`).
   */
  readonly adaptiveWindow?: number
  /** First resend interval, s; adapted to the measured round trip afterwards. Default 0.8. */
  readonly resendInterval?: number
  /** Floor of the adapted resend interval, s. Default 0.3. */
  readonly minResendInterval?: number
  /** Adapt the resend interval to the measured round trip. Default true. */
  readonly adaptiveResend?: boolean
  /** Confirm only an echo of the requested value. Default true. */
  readonly verifyAckValue?: boolean
}

/** The machine's input. */
export interface ParamSetInput {
  readonly params: readonly ParamToSet[]
  /** How the peer carries integers (ArduPilot: C-cast; PX4: bytewise). */
  readonly encoding: ParamEncoding
  readonly options?: ParamSetOptions
  /** The clock's `now()`, ms. */
  readonly now: () => number
}

/** The machine's output. */
export interface ParamSetReport {
  readonly results: Readonly<Record<string, ParamSetResult>>
  readonly elapsedMs: number
  /** PARAM_SET frames sent in all. */
  readonly transmissions: number
  /** Resend interval at the end, ms. */
  readonly resendMs: number
  /** Smoothed round trip, ms (undefined without a first-attempt echo). */
  readonly rttMs: number | undefined
  /** The window at the end. */
  readonly window: number
}

function createContext(input: ParamSetInput): SetContext {
  const o = input.options ?? {}
  const rtt = new RttEstimator({
    initialMs: (o.resendInterval ?? 0.8) * 1000,
    minMs: (o.minResendInterval ?? 0.3) * 1000,
    adaptive: o.adaptiveResend ?? true,
  })
  const window = new RequestWindow<string>(
    {
      maxInFlight: o.maxInFlight ?? 8,
      maxRetries: o.maxRetries ?? 3,
      ...(o.adaptiveWindow === undefined ? {} : { adaptive: { max: o.adaptiveWindow } }),
    },
    rtt,
  )
  const items = setItems(input.params, input.encoding)
  for (const name of items.keys()) window.add(name)
  const startedAt = input.now()
  return {
    now: input.now,
    encoding: input.encoding,
    verify: o.verifyAckValue ?? true,
    items,
    window,
    rtt,
    startedAt,
    deadline: startedAt + (o.timeoutTotal ?? 8) * 1000,
    open: items.size,
  }
}

/**
 * The bulk-set flow. Emits `send` (a PARAM_SET to transmit) and `progress`; outputs a
 * {@link ParamSetReport}.
 *
 * @example
 * const actor = createActor(paramSetMachine, { input: { params, encoding: 'c-cast', now: clock.now }, clock })
 * actor.on('send', (e) => link.send(e.message))
 * actor.start()
 *
 * @category machines
 */
export const paramSetMachine = setup({
  types: {
    context: {} as SetContext,
    input: {} as ParamSetInput,
    events: {} as MavlinkEvent,
    output: {} as ParamSetReport,
    emitted: {} as FlowEmitted,
  },
  delays: { wake: ({ context }) => setWakeDelay(context) },
  guards: { finished: ({ context }) => context.open === 0 },
  actions: {
    step: enqueueActions(({ context, event, enqueue }) => {
      for (const e of setStep(context, event)) enqueue.emit(e)
    }),
  },
}).createMachine({
  id: 'paramSet',
  context: ({ input }) => createContext(input),
  initial: 'running',
  states: {
    running: {
      entry: 'step',
      always: { guard: 'finished', target: 'done' },
      after: { wake: { target: 'running', reenter: true } },
      on: {
        PARAM_VALUE: { target: 'running', reenter: true },
        PARAM_ERROR: { target: 'running', reenter: true },
        STATUSTEXT: { target: 'running', reenter: true },
        CANCEL: { target: 'running', reenter: true },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => {
    const results: Record<string, ParamSetResult> = {}
    for (const item of context.items.values()) results[item.name] = item.result!
    return {
      results,
      elapsedMs: context.now() - context.startedAt,
      transmissions: context.window.sent,
      resendMs: context.rtt.resendMs(),
      rttMs: context.rtt.srtt,
      window: context.window.limit,
    }
  },
})
