/**
 * petal-parameter-config (the guide's example): bulk parameter set and read over lossy links,
 * reporting the names that were not confirmed or not read. HTTP (each waits for its result):
 * `POST /petals/petal-parameter-config/parameters` (body `{ parameters: { NAME: value |
 * [value, type] | { value, type } }, timeout? }`), `POST .../parameters/read` (body
 * `{ parameter_names: [...] }`) and `GET .../parameters` (all). MQTT commands, in the original's
 * two-phase pattern (an immediate answer with the job id, then the result published on
 * `/petal-parameter-config/<operation>` with the command's messageId; progress published while it
 * runs): `bulk_set_parameters` (operation `bulk-parameter-set`), `bulk_get_parameters`
 * (`bulk-parameter-get`), `get_all_parameters` (`all-parameters`), and `cancel_operation`
 * (`{ job_id }`). An invalid payload is answered at once and starts nothing.
 */
import {
  definePetal,
  type JobContext,
  type MavlinkFacade,
  type MqttCommand,
  type MqttResponse,
  type PetalContext,
} from '../../runtime/index.ts'
import {
  bulkGetParameters,
  bulkSetParameters,
  getAllParameters,
  getPayloadProblem,
  type OperationControl,
  setPayloadProblem,
} from './parameters.ts'

/** A job's progress and abort signal, for an operation. */
function control(job: JobContext): OperationControl {
  return { onProgress: (done, total) => job.progress({ done, total }), signal: job.signal }
}

/** Job time limit: the operation's own deadline plus a margin. */
function limitMs(payload: Readonly<Record<string, unknown>>, defaultSeconds: number): number {
  const t = typeof payload.timeout === 'number' && payload.timeout > 0 ? payload.timeout : defaultSeconds
  return t * 1000 + 30_000
}

/** A parameter operation: one of `parameters.ts`'s, run against the autopilot. */
type ParameterOperation = (
  mav: MavlinkFacade,
  payload: unknown,
  control: OperationControl,
) => Promise<MqttResponse>

/**
 * Starts `run` as the two-phase operation `name`, its job limited to the payload's `timeout`
 * (else `defaultSeconds`) plus a margin.
 */
function start<S>(
  msg: MqttCommand,
  ctx: PetalContext<S, 'ext_mavlink'>,
  name: string,
  run: ParameterOperation,
  defaultSeconds: number,
): MqttResponse {
  return ctx.operation(msg, name, (job) => run(ctx.proxy('ext_mavlink'), msg.payload, control(job)), {
    timeoutMs: limitMs(msg.payload, defaultSeconds),
  })
}

export default definePetal({
  name: 'petal-parameter-config',
  version: '1.0.0',
  description: 'Bulk parameter set and read, reporting unconfirmed names',
  requires: ['ext_mavlink'],
  init: () => ({}),
  mqtt: {
    bulk_set_parameters: (msg, _state, ctx): MqttResponse =>
      setPayloadProblem(msg.payload) ?? start(msg, ctx, 'bulk-parameter-set', bulkSetParameters, 30),
    bulk_get_parameters: (msg, _state, ctx): MqttResponse =>
      getPayloadProblem(msg.payload) ?? start(msg, ctx, 'bulk-parameter-get', bulkGetParameters, 10),
    get_all_parameters: (msg, _state, ctx): MqttResponse =>
      start(msg, ctx, 'all-parameters', getAllParameters, 60),
    cancel_operation: (msg, _state, ctx): MqttResponse => ctx.cancelOperation(msg),
  },
  http: {
    'POST /parameters': {
      timeoutMs: 120_000,
      handler: (req, _state, ctx) => bulkSetParameters(ctx.proxy('ext_mavlink'), req.body),
    },
    'POST /parameters/read': {
      timeoutMs: 120_000,
      handler: (req, _state, ctx) => bulkGetParameters(ctx.proxy('ext_mavlink'), req.body),
    },
    'GET /parameters': {
      timeoutMs: 120_000,
      handler: (req, _state, ctx) =>
        getAllParameters(ctx.proxy('ext_mavlink'), { timeout: Number(req.query.timeout ?? 60) }),
    },
  },
})
