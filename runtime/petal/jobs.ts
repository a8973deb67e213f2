/**
 * Jobs: long petal operations as child actors of the petal. A job runs `run(job)` with an
 * `AbortSignal` and a `progress` reporter; it ends as succeeded, failed, or cancelled (by
 * `cancel()`, its time limit, or its petal stopping or restarting: no job outlives its petal).
 * Every change goes to the host's job sink (logged; published on `command/web` once MQTT is
 * enabled). Progress is passed on at most every 200 ms, except the first and the final report.
 * A job's failure is a result for its petal, not a crash of it.
 */
import type { ActorContext, Behavior, Logger } from '../kernel/index.ts'
import { describeError } from '../kernel/index.ts'

/** A progress report; any subset. */
export interface JobProgress {
  readonly fraction?: number
  readonly done?: number
  readonly total?: number
  readonly message?: string
}

/** What a job's `run` receives. */
export interface JobContext {
  readonly id: string
  readonly name: string
  /** Aborted on cancel, time-out, or when the petal stops or restarts. */
  readonly signal: AbortSignal
  progress(p: JobProgress): void
  readonly log: Logger
}

/** The body of a job. */
export type JobRun<T> = (job: JobContext) => Promise<T>

/** Options of `ctx.job`. */
export interface JobStartOptions {
  /** Job id (default: generated). Must be unique among the petal's running jobs. */
  readonly id?: string
  /** Cancel after this many ms (default: no limit). */
  readonly timeoutMs?: number
}

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled'

/** A job as listed by `ctx.jobs()` and sent to the job sink. */
export interface JobStatus {
  readonly id: string
  readonly name: string
  readonly petal: string
  state: JobState
  progress: JobProgress | undefined
  error: string | undefined
  readonly startedAt: number
  endedAt: number | undefined
}

/** The petal's handle on a job. */
export interface JobHandle<T> {
  readonly id: string
  /** Settles with the run's value; rejects when the job fails or is cancelled. */
  readonly result: Promise<T>
  cancel(reason?: string): void
  status(): Readonly<JobStatus>
}

/** A change of a job. */
export interface JobEvent {
  readonly kind: 'started' | 'progress' | JobState
  readonly job: Readonly<JobStatus>
}

/** Where job events go (the host logs them and, with MQTT, publishes them). */
export type JobSink = (event: JobEvent) => void

/**
 * The job was cancelled (by `cancel`, its time limit, or its petal ending).
 *
 * @category errors
 */
export class JobCancelled extends Error {
  readonly code = 'JOB_CANCELLED'
  constructor(id: string, reason: string) {
    super(`job ${id} cancelled: ${reason}`)
    this.name = 'JobCancelled'
  }
}

type JobMsg = { type: 'cancel'; reason: string } | { type: 'settled'; ok: boolean; value: unknown }

const PROGRESS_EVERY_MS = 200

/** @internal The behaviour of one job actor. */
export function jobBehavior<T>(
  status: JobStatus,
  run: JobRun<T>,
  settle: { resolve(v: T): void; reject(e: unknown): void },
  sink: JobSink,
  log: Logger,
  timeoutMs: number | undefined,
): Behavior<{ controller: AbortController }, JobMsg> {
  const end = (ctx: ActorContext<JobMsg>, state: JobState, error?: unknown): void => {
    if (status.state !== 'running') return
    status.state = state
    status.endedAt = Date.now()
    if (error !== undefined) status.error = describeError(error)
    sink({ kind: state, job: status })
    ctx.stopSelf()
  }
  return {
    init: (ctx) => {
      const controller = new AbortController()
      ctx.onCleanup(() => {
        if (status.state === 'running') {
          controller.abort(new JobCancelled(status.id, 'its petal stopped'))
          status.state = 'cancelled'
          status.endedAt = Date.now()
          status.error = 'its petal stopped'
          settle.reject(new JobCancelled(status.id, 'its petal stopped'))
          sink({ kind: 'cancelled', job: status })
        }
      })
      if (timeoutMs !== undefined)
        ctx.setTimeout(
          () => ctx.self.tell({ type: 'cancel', reason: `time limit ${timeoutMs} ms` }),
          timeoutMs,
        )
      let lastProgress = Number.NEGATIVE_INFINITY
      const job: JobContext = {
        id: status.id,
        name: status.name,
        signal: controller.signal,
        log,
        progress: (p) => {
          if (status.state !== 'running') return
          status.progress = p
          const now = ctx.clock.now()
          const final = p.fraction === 1 || (p.total !== undefined && p.done === p.total)
          if (now - lastProgress < PROGRESS_EVERY_MS && !final) return
          lastProgress = now
          sink({ kind: 'progress', job: status })
        },
      }
      sink({ kind: 'started', job: status })
      Promise.resolve()
        .then(() => run(job))
        .then(
          (value) => ctx.self.tell({ type: 'settled', ok: true, value }),
          (error: unknown) => ctx.self.tell({ type: 'settled', ok: false, value: error }),
        )
      return { controller }
    },
    receive: (s, msg, ctx) => {
      if (status.state !== 'running') return s
      if (msg.type === 'cancel') {
        const err = new JobCancelled(status.id, msg.reason)
        s.controller.abort(err)
        settle.reject(err)
        end(ctx, 'cancelled', msg.reason)
      } else if (msg.ok) {
        settle.resolve(msg.value as T)
        end(ctx, 'succeeded')
      } else {
        settle.reject(msg.value)
        end(ctx, 'failed', msg.value)
      }
      return s
    },
  }
}
