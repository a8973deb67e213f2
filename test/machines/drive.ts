/**
 * Drives a protocol machine by hand on the virtual clock: records what it sends (with the time),
 * feeds it events, and reads its output.
 */
import { type AnyStateMachine, createActor, type InputFrom } from 'xstate'
import type { FlowEmitted, MavlinkEvent, Outgoing } from '../../machines/mavlinkEvents.ts'
import { VirtualClock } from '../../runtime/kernel/index.ts'

export interface Driven {
  readonly clock: VirtualClock
  /** Everything sent so far, with the clock time. */
  readonly sent: { at: number; message: Outgoing }[]
  send(event: MavlinkEvent): void
  advance(ms: number): void
  readonly done: boolean
  output<T>(): T
}

export function drive<M extends AnyStateMachine>(
  machine: M,
  input: (now: () => number) => InputFrom<M>,
  onSend?: (message: Outgoing, d: Driven) => void,
): Driven {
  const clock = new VirtualClock()
  const sent: { at: number; message: Outgoing }[] = []
  const actor = createActor(machine, { input: input(() => clock.now()), clock })
  const d: Driven = {
    clock,
    sent,
    send: (e) => {
      // As the proxy does: a finished flow hears nothing more.
      if ((actor.getSnapshot() as { status: string }).status === 'active') actor.send(e as never)
    },
    advance: (ms) => clock.advance(ms),
    get done() {
      return (actor.getSnapshot() as { status: string }).status === 'done'
    },
    output: <T>() => (actor.getSnapshot() as { output: T }).output,
  }
  actor.on('send', (e: FlowEmitted) => {
    if (e.type !== 'send') return
    sent.push({ at: clock.now(), message: e.message })
    onSend?.(e.message, d)
  })
  actor.start()
  return d
}

/** A PARAM_VALUE echo of a PARAM_SET (ArduPilot style: index 65535). */
export function echoOf(
  m: Outgoing,
  over: Partial<{ bits: number; paramType: number; index: number }> = {},
): MavlinkEvent {
  if (m.kind !== 'PARAM_SET') throw new Error(`not a PARAM_SET: ${m.kind}`)
  return {
    type: 'PARAM_VALUE',
    name: m.name,
    bits: over.bits ?? m.bits,
    paramType: over.paramType ?? m.paramType,
    count: 1053,
    index: over.index ?? 65535,
  }
}
