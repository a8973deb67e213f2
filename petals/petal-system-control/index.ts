/**
 * petal-system-control (the guide's example): reboots the autopilot with error handling and
 * reports the MAVLink link, counting the autopilot's heartbeats through `on: 'mavlink:HEARTBEAT'`.
 * A reboot takes up to ~40 s (ACK, heartbeat drop, return), so it runs as a job, the original's
 * two-phase pattern: `POST /petals/petal-system-control/reboot` (body `{ reboot_onboard_computer?,
 * confirm? }`) answers at once with the job id, or `OPERATION_ACTIVE` while one runs;
 * `GET .../reboot` gives the running job or the last result; `GET .../status` the link. The MQTT
 * commands arrive with the MQTT proxy and will call the same `rebootAutopilot` operation.
 */
import { definePetal, type JobHandle, type MavlinkMessage, type MqttResponse } from '../../runtime/index.ts'
import { rebootAutopilot, rebootPayloadProblem } from './reboot.ts'

interface RebootTracker {
  running: JobHandle<MqttResponse> | undefined
  last: MqttResponse | undefined
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
    reboot: { running: undefined, last: undefined },
  }),
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
    'POST /reboot': (req, state: State, ctx): MqttResponse => {
      const problem = rebootPayloadProblem(req.body)
      if (problem !== undefined) return { status: 'error', message: problem, error_code: 'VALIDATION_ERROR' }
      const t = state.reboot
      if (t.running !== undefined)
        return {
          status: 'error',
          message: 'a reboot is already in progress',
          error_code: 'OPERATION_ACTIVE',
          data: { job_id: t.running.id },
        }
      const mav = ctx.proxy('ext_mavlink')
      const job = ctx.job('reboot', async () => {
        const answer = await rebootAutopilot(mav, req.body)
        t.last = answer
        t.running = undefined
        return answer
      })
      job.result.catch((e: unknown) => {
        t.last = { status: 'error', message: `reboot job ended: ${String(e)}`, error_code: 'HANDLER_ERROR' }
        t.running = undefined
      })
      t.running = job
      return { status: 'success', message: 'Reboot started', data: { job_id: job.id } }
    },
    'GET /reboot': (_req, state: State) => {
      const t = state.reboot
      return t.running !== undefined
        ? { state: 'running', job_id: t.running.id }
        : { state: t.last === undefined ? 'idle' : 'done', result: t.last ?? null }
    },
  },
})
