/**
 * Autopilot reboot with COMMAND_ACK and heartbeat confirmation. Rules, each tested in
 * `test/machines/reboot.test.ts`:
 * - Sends COMMAND_LONG MAV_CMD_PREFLIGHT_REBOOT_SHUTDOWN (246), param1 = 1, param2 = 1 when
 *   `rebootOnboardComputer`. Without an ACK it is resent every `resendInterval` (default 1 s) with
 *   `confirmation` incremented, until `ackTimeout` (default 3 s, `PETAL_REBOOT_ACK_TIMEOUT`).
 * - IN_PROGRESS stops the resends and waits `inProgressTimeout` more (default 3 s), re-armed by
 *   each IN_PROGRESS; the original treated it as a failure.
 * - Mode `ack` (the original's `reboot_autopilot`): ACCEPTED ends with OK_ACK_ACCEPTED; any other
 *   result ends with its FAIL_ACK_* code; no ACK falls back to heartbeat confirmation, which ends
 *   with OK_REBOOT_CONFIRMED_NO_ACK.
 * - Mode `heartbeat` (`reboot_autopilot_confirmed`): a non-ACCEPTED result fails at once (except
 *   DENIED with `sitlMode`); then, ACK or not, the heartbeat must drop (a gap of `hbDropGap`,
 *   default 1.5 s, within `hbDropWindow`, default 5 s) and return (within `hbReturnWindow`,
 *   default 30 s): OK_ACK_ACCEPTED_HB_CONFIRMED, or OK_HB_CONFIRMED_NO_ACK.
 * - Only the target autopilot's heartbeats may be fed in (the original counted anyone's). The gap
 *   is timed from the last one seen, `input.lastHeartbeatAt` before the flow began; a drop and
 *   return that happen while the ACK is still awaited count too. No polling: every wait is one
 *   timer.
 */
import { and, assign, enqueueActions, setup } from 'xstate'
import type { MavlinkEvent, SendEmitted } from './mavlinkEvents.ts'
import {
  ackAccepted,
  ackFailure,
  confirmedByHeartbeat,
  noDrop,
  noReturn,
  type RebootResult,
} from './rebootStatus.ts'

export type { RebootResult, RebootStatusCode } from './rebootStatus.ts'

/** MAV_CMD_PREFLIGHT_REBOOT_SHUTDOWN. */
export const MAV_CMD_PREFLIGHT_REBOOT_SHUTDOWN = 246

/** Options of a reboot; times in seconds, as the original's `PETAL_REBOOT_*` settings. */
export interface RebootOptions {
  readonly ackTimeout?: number
  readonly resendInterval?: number
  readonly inProgressTimeout?: number
  readonly hbDropWindow?: number
  readonly hbDropGap?: number
  readonly hbReturnWindow?: number
  /** Proceed to heartbeat confirmation after DENIED (SITL cannot reboot itself). Default false. */
  readonly sitlMode?: boolean
}

/** The machine's input. */
export interface RebootInput {
  readonly mode: 'ack' | 'heartbeat'
  readonly rebootOnboardComputer?: boolean
  readonly options?: RebootOptions
  /** When the target's last heartbeat was seen (clock ms). */
  readonly lastHeartbeatAt?: number
  readonly now: () => number
}

interface RebootContext {
  readonly mode: 'ack' | 'heartbeat'
  readonly now: () => number
  readonly param2: number
  readonly o: Required<RebootOptions>
  readonly maxAttempts: number
  attempts: number
  ackResult: number | null
  lastHb: number
  /** A heartbeat came after a gap of at least `hbDropGap` since the command: drop and return seen. */
  sawReturn: boolean
  result: RebootResult | undefined
}

const ms = (s: number): number => s * 1000

/** COMMAND_ACK transitions shared by `commanding` and `inProgress`. */
const onAck = [
  { guard: and(['ours', 'inProgress']), target: 'inProgress', reenter: true, actions: 'keepAck' },
  {
    guard: and(['ours', 'accepted', 'ackMode']),
    target: 'done',
    actions: ['keepAck', 'accepted'],
  },
  { guard: and(['ours', 'accepted']), target: 'waitDrop', actions: 'keepAck' },
  { guard: and(['ours', 'sitlDenied']), target: 'waitDrop', actions: 'keepAck' },
  { guard: 'ours', target: 'done', actions: ['keepAck', 'failAck'] },
] as const

/**
 * The reboot flow. Emits `send`; outputs a {@link RebootResult}.
 *
 * @example
 * const actor = createActor(rebootMachine, { input: { mode: 'heartbeat', now: clock.now }, clock })
 *
 * @category machines
 */
export const rebootMachine = setup({
  types: {
    context: {} as RebootContext,
    input: {} as RebootInput,
    events: {} as MavlinkEvent,
    output: {} as RebootResult,
    emitted: {} as SendEmitted,
  },
  delays: {
    resend: ({ context }) => ms(context.o.resendInterval),
    inProgress: ({ context }) => ms(context.o.inProgressTimeout),
    dropWindow: ({ context }) => ms(context.o.hbDropWindow),
    gap: ({ context }) => Math.max(0, context.lastHb + ms(context.o.hbDropGap) - context.now()),
    returnWindow: ({ context }) => ms(context.o.hbReturnWindow),
  },
  guards: {
    mayResend: ({ context }) => context.attempts < context.maxAttempts,
    ours: ({ event }) => event.type === 'COMMAND_ACK' && event.command === MAV_CMD_PREFLIGHT_REBOOT_SHUTDOWN,
    accepted: ({ event }) => event.type === 'COMMAND_ACK' && event.result === 0,
    inProgress: ({ event }) => event.type === 'COMMAND_ACK' && event.result === 5,
    ackMode: ({ context }) => context.mode === 'ack',
    sitlDenied: ({ context, event }) =>
      context.mode === 'heartbeat' &&
      context.o.sitlMode &&
      event.type === 'COMMAND_ACK' &&
      event.result === 2,
  },
  actions: {
    send: enqueueActions(({ context, enqueue }) => {
      context.attempts++
      enqueue.emit({
        type: 'send',
        message: {
          kind: 'COMMAND_LONG',
          command: MAV_CMD_PREFLIGHT_REBOOT_SHUTDOWN,
          params: [1, context.param2, 0, 0, 0, 0, 0],
          confirmation: context.attempts - 1,
        },
      })
    }),
    heard: assign(({ context }) => {
      const now = context.now()
      return { lastHb: now, sawReturn: context.sawReturn || now - context.lastHb >= ms(context.o.hbDropGap) }
    }),
    keepAck: assign({ ackResult: ({ event }) => (event.type === 'COMMAND_ACK' ? event.result : null) }),
    accepted: assign({ result: () => ackAccepted() }),
    failAck: assign({
      result: ({ event }) => ackFailure(event.type === 'COMMAND_ACK' ? event.result : -1),
    }),
    noDrop: assign({
      result: ({ context }) => noDrop(context.o.hbDropWindow, context.o.hbDropGap, context.ackResult),
    }),
    noReturn: assign({ result: ({ context }) => noReturn(context.o.hbReturnWindow, context.ackResult) }),
    confirmed: assign({ result: ({ context }) => confirmedByHeartbeat(context.mode, context.ackResult) }),
  },
}).createMachine({
  id: 'reboot',
  context: ({ input }) => {
    const o = input.options ?? {}
    const resolved: Required<RebootOptions> = {
      ackTimeout: o.ackTimeout ?? 3,
      resendInterval: o.resendInterval ?? 1,
      inProgressTimeout: o.inProgressTimeout ?? 3,
      hbDropWindow: o.hbDropWindow ?? 5,
      hbDropGap: o.hbDropGap ?? 1.5,
      hbReturnWindow: o.hbReturnWindow ?? 30,
      sitlMode: o.sitlMode ?? false,
    }
    return {
      mode: input.mode,
      now: input.now,
      param2: input.rebootOnboardComputer ? 1 : 0,
      o: resolved,
      maxAttempts: Math.max(1, Math.round(resolved.ackTimeout / resolved.resendInterval)),
      attempts: 0,
      ackResult: null,
      lastHb: input.lastHeartbeatAt ?? input.now(),
      sawReturn: false,
      result: undefined,
    }
  },
  initial: 'commanding',
  on: { HEARTBEAT: { actions: 'heard' } },
  states: {
    commanding: {
      entry: 'send',
      after: {
        resend: [{ guard: 'mayResend', target: 'commanding', reenter: true }, { target: 'waitDrop' }],
      },
      on: { COMMAND_ACK: [...onAck] },
    },
    inProgress: {
      after: { inProgress: 'waitDrop' },
      on: { COMMAND_ACK: [...onAck] },
    },
    waitDrop: {
      // A fast autopilot may have dropped and come back while we waited for the ACK.
      always: { guard: ({ context }) => context.sawReturn, target: 'done', actions: 'confirmed' },
      initial: 'watching',
      after: { dropWindow: { target: 'done', actions: 'noDrop' } },
      states: {
        watching: {
          after: { gap: '#reboot.waitReturn' },
          on: { HEARTBEAT: { target: 'watching', reenter: true, actions: 'heard' } },
        },
      },
    },
    waitReturn: {
      after: { returnWindow: { target: 'done', actions: 'noReturn' } },
      on: { HEARTBEAT: { target: 'done', actions: ['heard', 'confirmed'] } },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.result!,
})
