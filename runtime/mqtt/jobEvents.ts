/**
 * Job events as the original's phase-2 messages on `command/web`:
 * `{ messageId, command: "/<petal>/<job name>/<event>", timestamp, payload }`, where the event is
 * `started`, `progress`, `succeeded`, `failed` or `cancelled` and the payload carries the job id,
 * state, progress, error and times. Progress goes at QoS 0 (a newer one follows); the others at
 * QoS 1, through the outbox.
 */
import { randomUUID } from 'node:crypto'
import { localIsoTimestamp } from '../../actors/mqtt/topics.ts'
import type { JobEvent } from '../petal/jobs.ts'

/**
 * The message and QoS of one job event.
 *
 * @example
 * jobEventMessage({ kind: 'progress', job }).payload.command // '/petal-example/count/progress'
 *
 * @category host
 */
export function jobEventMessage(e: JobEvent): {
  readonly payload: Record<string, unknown>
  readonly qos: 0 | 1
} {
  const j = e.job
  return {
    qos: e.kind === 'progress' ? 0 : 1,
    payload: {
      messageId: randomUUID(),
      command: `/${j.petal}/${j.name}/${e.kind}`,
      timestamp: localIsoTimestamp(),
      payload: {
        job_id: j.id,
        name: j.name,
        state: j.state,
        progress: j.progress ?? null,
        error: j.error ?? null,
        started_at: new Date(j.startedAt).toISOString(),
        ended_at: j.endedAt === undefined ? null : new Date(j.endedAt).toISOString(),
      },
    },
  }
}
