/**
 * petal-system-control (the guide's example): reboots the autopilot with error handling and
 * reports the MAVLink link, counting the autopilot's heartbeats through `on: 'mavlink:HEARTBEAT'`.
 * A reboot takes up to ~40 s (ACK, heartbeat drop, return), so it runs as a job, the original's
 * two-phase pattern: `POST /petals/petal-system-control/reboot` (body `{ reboot_onboard_computer?,
 * confirm? }`) answers at once with the job id, or `OPERATION_ACTIVE` while one runs;
 * `GET .../reboot` gives the running job or the last result; `GET .../status` the link. MQTT:
 * `reboot_autopilot` (payload as the HTTP body) answers at once with the job id, then publishes the
 * result on `/petal-system-control/reboot-autopilot` with the command's messageId;
 * `cancel_reboot` (`{ job_id }`) stops waiting for confirmation. HTTP and MQTT share the one-at-a-
 * time guard (`OPERATION_ACTIVE`).
 */
import { randomUUID } from 'node:crypto'
import {
  definePetal,
  type MavlinkMessage,
  type MqttCommand,
  type MqttResponse,
  type PetalContext,
} from '../../runtime/index.ts'
import { rebootAutopilot, rebootPayloadProblem } from './reboot.ts'

interface RebootTracker {
  last: MqttResponse | undefined
}

const REBOOT = 'reboot-autopilot'

function bodyOf(body: unknown): Readonly<Record<string, unknown>> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
}

/** Starts a reboot as a two-phase operation (one at a time), or answers why not. */
function startReboot(msg: MqttCommand, state: State, ctx: PetalContext<State>): MqttResponse {
  const problem = rebootPayloadProblem(msg.payload)
  if (problem !== undefined) return { status: 'error', message: problem, error_code: 'VALIDATION_ERROR' }
  const mav = ctx.proxy('ext_mavlink')
  const tracker = state.reboot
  return ctx.operation(msg, REBOOT, async (job) => {
    const answer = await rebootAutopilot(mav, msg.payload, job.signal)
    tracker.last = answer
    return answer
  })
}

interface State {
  readonly heartbeats: number
  readonly lastHeartbeat: { readonly sysid: number; readonly compid: number; readonly at: string } | null
  /** Written by the reboot job when it ends (jobs cannot `setState`). */
  readonly reboot: RebootTracker
}

export default definePetal({
  name: 'petal-system-control',
  version: '1.0.0',
  description: 'Reboots the autopilot (ACK and heartbeat confirmation) and reports the MAVLink link',
  requires: ['ext_mavlink'],
  init: (): State => ({
    heartbeats: 0,
    lastHeartbeat: null,
    reboot: { last: undefined },
  }),
  mqtt: {
    reboot_autopilot: (msg, state: State, ctx): MqttResponse => startReboot(msg, state, ctx),
    cancel_reboot: (msg, _state, ctx): MqttResponse => ctx.cancelOperation(msg),
  },
  on: {
    'mavlink:HEARTBEAT': (payload, state: State): State => {
      const m = payload as MavlinkMessage
      return {
        ...state,
        heartbeats: state.heartbeats + 1,
        lastHeartbeat: { sysid: m.sysid, compid: m.compid, at: new Date().toISOString() },
      }
    },
  },
  http: {
    'GET /status': async (_req, state: State, ctx) => ({
      link: await ctx.proxy('ext_mavlink').status(),
      heartbeats: state.heartbeats,
      last_heartbeat: state.lastHeartbeat,
    }),
    'POST /reboot': (req, state: State, ctx): MqttResponse =>
      startReboot(
        { messageId: randomUUID(), command: 'http', payload: bodyOf(req.body), waitResponse: true },
        state,
        ctx,
      ),
    'GET /reboot': (_req, state: State, ctx) => {
      const running = ctx.jobs().find((j) => j.name === REBOOT && j.state === 'running')
      return running !== undefined
        ? { state: 'running', job_id: running.id }
        : { state: state.reboot.last === undefined ? 'idle' : 'done', result: state.reboot.last ?? null }
    },
  },
})
