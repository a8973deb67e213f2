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
import { definePetal, type JobContext, type MqttResponse } from '../../runtime/index.ts'
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

export default definePetal({
  name: 'petal-parameter-config',
  version: '1.0.0',
  description: 'Bulk parameter set and read, reporting unconfirmed names',
  requires: ['ext_mavlink'],
  init: () => ({}),
  mqtt: {
    bulk_set_parameters: (msg, _state, ctx): MqttResponse =>
      setPayloadProblem(msg.payload) ??
      ctx.operation(
        msg,
        'bulk-parameter-set',
        (job) => bulkSetParameters(ctx.proxy('ext_mavlink'), msg.payload, control(job)),
        {
          timeoutMs: limitMs(msg.payload, 30),
        },
      ),
    bulk_get_parameters: (msg, _state, ctx): MqttResponse =>
      getPayloadProblem(msg.payload) ??
      ctx.operation(
        msg,
        'bulk-parameter-get',
        (job) => bulkGetParameters(ctx.proxy('ext_mavlink'), msg.payload, control(job)),
        {
          timeoutMs: limitMs(msg.payload, 10),
        },
      ),
    get_all_parameters: (msg, _state, ctx): MqttResponse =>
      ctx.operation(
        msg,
        'all-parameters',
        (job) => getAllParameters(ctx.proxy('ext_mavlink'), msg.payload, control(job)),
        {
          timeoutMs: limitMs(msg.payload, 60),
        },
      ),
    cancel_operation: (msg, _state, ctx): MqttResponse => {
      const id = msg.payload.job_id
      if (typeof id !== 'string')
        return { status: 'error', message: 'payload.job_id must be a string', error_code: 'VALIDATION_ERROR' }
      return ctx.cancelJob(id, 'cancelled by command')
        ? { status: 'success', message: `job ${id} cancelled` }
        : { status: 'error', message: `no running job ${id}`, error_code: 'NOT_FOUND' }
    },
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
