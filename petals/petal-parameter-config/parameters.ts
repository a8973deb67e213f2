/**
 * The parameter operations, independent of how they are invoked (HTTP routes, MQTT commands run as
 * jobs with progress and cancel):
 * bulk set reporting which names were not confirmed (and why), bulk read reporting which names
 * are missing, and read-all. Answers use the original's command-response shape `{ status,
 * message, data?, error_code? }` with its codes: `NO_PARAMETERS_PROVIDED`,
 * `NO_PARAMETER_NAMES_PROVIDED`, `VALIDATION_ERROR`, `NO_PARAMETERS_CONFIRMED`, `PARTIAL_FAILURE`,
 * and `PROXY_UNAVAILABLE` when no autopilot is heard. They never throw.
 */
import {
  MavlinkError,
  type MavlinkFacade,
  type MqttResponse,
  normalizeParamSpecs,
  ParamSpecError,
  ProxyUnavailable,
} from '../../runtime/index.ts'

function failure(e: unknown): MqttResponse {
  if (e instanceof ParamSpecError)
    return { status: 'error', message: e.message, error_code: 'VALIDATION_ERROR' }
  if (e instanceof MavlinkError || e instanceof ProxyUnavailable)
    return { status: 'error', message: e.message, error_code: e.code }
  return { status: 'error', message: e instanceof Error ? e.message : String(e), error_code: 'MAVLINK_ERROR' }
}

/** Progress and cancel of a call made from a job (both optional). */
export interface OperationControl {
  readonly onProgress?: (done: number, total: number) => void
  readonly signal?: AbortSignal
}

function optionalSeconds(payload: Record<string, unknown>, key: string): number | undefined {
  const v = payload[key]
  return typeof v === 'number' && v > 0 ? v : undefined
}

/** The payload as a record (`{}` when it is not an object). */
function payloadRecord(payload: unknown): Record<string, unknown> {
  return (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>
}

/** `NO_PARAMETERS_PROVIDED` unless `params` is a non-empty object. */
function parametersProblem(params: unknown): MqttResponse | undefined {
  if (
    typeof params !== 'object' ||
    params === null ||
    Array.isArray(params) ||
    Object.keys(params).length === 0
  )
    return {
      status: 'error',
      message: 'payload.parameters must be a non-empty object { NAME: value }',
      error_code: 'NO_PARAMETERS_PROVIDED',
    }
  return undefined
}

/** `NO_PARAMETER_NAMES_PROVIDED` unless `names` is a non-empty list of strings. */
function namesProblem(names: unknown): MqttResponse | undefined {
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string'))
    return {
      status: 'error',
      message: 'payload.parameter_names must be a non-empty list of names',
      error_code: 'NO_PARAMETER_NAMES_PROVIDED',
    }
  return undefined
}

/** The `PARTIAL_FAILURE` answer: some of the work was done, `data` says what. */
function partialFailure(message: string, data: Record<string, unknown>): MqttResponse {
  return { status: 'error', message, data, error_code: 'PARTIAL_FAILURE' }
}

/**
 * Sets `payload.parameters` (`{ NAME: value | [value, type] | { value, type } }`); optional
 * `timeout` (s, default 30) and `max_in_flight` (a fixed window; default: adaptive, 8 to 64).
 *
 * @category petals
 */
export async function bulkSetParameters(
  mav: MavlinkFacade,
  payload: unknown,
  control: OperationControl = {},
): Promise<MqttResponse> {
  const p = payloadRecord(payload)
  const params = p.parameters
  const problem = parametersProblem(params)
  if (problem !== undefined) return problem
  try {
    const maxInFlight = typeof p.max_in_flight === 'number' ? p.max_in_flight : undefined
    const report = await mav.setParamsBulk(
      params,
      {
        timeoutTotal: optionalSeconds(p, 'timeout') ?? 30,
        maxRetries: 1_000,
        ...(maxInFlight === undefined ? { adaptiveWindow: 64 } : { maxInFlight }),
      },
      control.onProgress,
      control.signal,
    )
    const confirmed: Record<string, unknown> = {}
    const unconfirmed: { name: string; status: string; value: number; error?: string }[] = []
    for (const [name, r] of Object.entries(report.results)) {
      if (r.status === 'confirmed')
        confirmed[name] = { name, value: r.value, raw: r.raw, type: r.type, count: r.count, index: r.index }
      else
        unconfirmed.push({
          name,
          status: r.status,
          value: r.value,
          ...(r.error === undefined ? {} : { error: r.error }),
        })
    }
    const data = { confirmed, unconfirmed, elapsed_ms: report.elapsedMs }
    const total = Object.keys(report.results).length
    if (unconfirmed.length === 0) return { status: 'success', message: `${total} parameters confirmed`, data }
    if (Object.keys(confirmed).length === 0)
      return {
        status: 'error',
        message: 'no parameter was confirmed',
        data,
        error_code: 'NO_PARAMETERS_CONFIRMED',
      }
    return partialFailure(
      `${unconfirmed.length} of ${total} parameters not confirmed: ${unconfirmed.map((u) => u.name).join(', ')}`,
      data,
    )
  } catch (e) {
    return failure(e)
  }
}

/**
 * Reads `payload.parameter_names`; optional `timeout` (s, default 10).
 *
 * @category petals
 */
export async function bulkGetParameters(
  mav: MavlinkFacade,
  payload: unknown,
  control: OperationControl = {},
): Promise<MqttResponse> {
  const p = payloadRecord(payload)
  const problem = namesProblem(p.parameter_names)
  if (problem !== undefined) return problem
  const names = p.parameter_names as string[]
  try {
    const report = await mav.getParamsBulk(
      names,
      { timeoutTotal: optionalSeconds(p, 'timeout') ?? 10, maxRetries: 1_000 },
      control.onProgress,
      control.signal,
    )
    const data = { parameters: report.params, missing: report.missing, elapsed_ms: report.elapsedMs }
    if (report.missing.length === 0)
      return { status: 'success', message: `${names.length} parameters read`, data }
    return partialFailure(`not read: ${report.missing.join(', ')}`, data)
  } catch (e) {
    return failure(e)
  }
}

/**
 * Reads every parameter; optional `timeout` (s, default 60).
 *
 * @category petals
 */
export async function getAllParameters(
  mav: MavlinkFacade,
  payload: unknown,
  control: OperationControl = {},
): Promise<MqttResponse> {
  const p = payloadRecord(payload)
  try {
    const report = await mav.getAllParamsReport(
      { timeoutTotal: optionalSeconds(p, 'timeout') ?? 60 },
      control.onProgress,
      control.signal,
    )
    const data = {
      parameters: report.params,
      count: report.count ?? null,
      missing_indices: report.missingIndices,
    }
    if (report.count !== undefined && report.missingIndices.length === 0)
      return { status: 'success', message: `${report.count} parameters read`, data }
    return partialFailure('the parameter list is incomplete', data)
  } catch (e) {
    return failure(e)
  }
}

/**
 * The problem of a bulk-set payload, found before anything is sent (a job is started only for a
 * valid one); `undefined` when valid.
 */
export function setPayloadProblem(payload: unknown): MqttResponse | undefined {
  const params = payloadRecord(payload).parameters
  const problem = parametersProblem(params)
  if (problem !== undefined) return problem
  try {
    normalizeParamSpecs(params)
    return undefined
  } catch (e) {
    return failure(e)
  }
}

/** The problem of a bulk-read payload; `undefined` when valid. */
export function getPayloadProblem(payload: unknown): MqttResponse | undefined {
  return namesProblem(payloadRecord(payload).parameter_names)
}
