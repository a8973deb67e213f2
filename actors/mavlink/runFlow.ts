/**
 * Runs one protocol machine against a session: starts it as an XState actor on the session's
 * clock (and with the owner's inspection sink, so inspectors see it), feeds it the target's
 * events, sends what it emits, and resolves with its output. `cancel` (the proxy stopping) stops
 * it and rejects with `MavlinkClosed`.
 */
import { type AnyStateMachine, createActor, type InputFrom, type OutputFrom } from 'xstate'
import type { FlowEmitted, MavlinkEvent } from '../../machines/mavlinkEvents.ts'
import type { InspectionEvent } from '../../runtime/kernel/index.ts'
import { MavlinkClosed } from './errors.ts'
import type { MavlinkSession } from './MavlinkSession.ts'

/** Progress of a flow, for progress bars and job progress. */
export type ProgressListener = (done: number, total: number) => void

/** A running flow. */
export interface RunningFlow<T> {
  readonly result: Promise<T>
  /** Stops the flow; its result rejects with `error` (default `MavlinkClosed`). */
  cancel(error?: unknown): void
}

/**
 * Starts `machine` with `input` on `session`.
 *
 * @category proxy
 */
export function runFlow<M extends AnyStateMachine>(
  session: MavlinkSession,
  machine: M,
  input: InputFrom<M>,
  options: { readonly inspect?: (e: InspectionEvent) => void; readonly onProgress?: ProgressListener } = {},
): RunningFlow<OutputFrom<M>> {
  const actor = createActor(machine, {
    input,
    clock: session.clock,
    ...(options.inspect === undefined ? {} : { inspect: options.inspect as never }),
  })
  let settle: { resolve(v: OutputFrom<M>): void; reject(e: unknown): void } | undefined
  const result = new Promise<OutputFrom<M>>((resolve, reject) => {
    settle = { resolve, reject }
  })
  actor.on('send', (e: FlowEmitted) => {
    if (e.type === 'send') session.sendOutgoing(e.message)
  })
  if (options.onProgress !== undefined) {
    const onProgress = options.onProgress
    actor.on('progress', (e: FlowEmitted) => {
      if (e.type === 'progress') onProgress(e.done, e.total)
    })
  }
  const off = session.addFlowListener((e: MavlinkEvent) => actor.send(e as never))
  actor.subscribe({
    complete: () => {
      off()
      settle?.resolve((actor.getSnapshot() as { output?: unknown }).output as OutputFrom<M>)
    },
    error: (err) => {
      off()
      settle?.reject(err)
    },
  })
  actor.start()
  return {
    result,
    cancel: (error: unknown = new MavlinkClosed()) => {
      off()
      actor.stop()
      settle?.reject(error)
    },
  }
}
