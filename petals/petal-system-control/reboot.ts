/**
 * The system-control operations, independent of how they are invoked (HTTP routes, MQTT
 * commands): reboot the autopilot with error handling, and report the link. Answers use the
 * original's command-response shape `{ status, message, data?, error_code? }`; a failed reboot
 * carries its `RebootStatusCode` as `error_code`, a missing autopilot `PROXY_UNAVAILABLE`, bad
 * input `VALIDATION_ERROR`. Heartbeat confirmation is the default, as the original's
 * `reboot_autopilot` command used (`reboot_autopilot_confirmed`).
 */
import { MavlinkError, type MavlinkFacade, type MqttResponse, ProxyUnavailable } from '../../runtime/index.ts'

/** What a reboot request may say. */
export interface RebootPayload {
  readonly reboot_onboard_computer?: boolean
  readonly confirm?: 'ack' | 'heartbeat'
}

/** Validates a reboot payload; a string naming the problem when invalid. */
export function rebootPayloadProblem(payload: unknown): string | undefined {
  if (payload === undefined || payload === null) return undefined
  if (typeof payload !== 'object' || Array.isArray(payload)) return 'expected an object payload'
  const p = payload as Record<string, unknown>
  if (p.reboot_onboard_computer !== undefined && typeof p.reboot_onboard_computer !== 'boolean')
    return `reboot_onboard_computer: expected true or false, found ${JSON.stringify(p.reboot_onboard_computer)}`
  if (p.confirm !== undefined && p.confirm !== 'ack' && p.confirm !== 'heartbeat')
    return `confirm: expected 'ack' or 'heartbeat', found ${JSON.stringify(p.confirm)}`
  return undefined
}

/**
 * Reboots the autopilot; never throws.
 *
 * @example
 * const answer = await rebootAutopilot(ctx.proxy('ext_mavlink'), { confirm: 'heartbeat' })
 *
 * @category petals
 */
export async function rebootAutopilot(
  mav: MavlinkFacade,
  payload: unknown,
  signal?: AbortSignal,
): Promise<MqttResponse> {
  const problem = rebootPayloadProblem(payload)
  if (problem !== undefined) return { status: 'error', message: problem, error_code: 'VALIDATION_ERROR' }
  const p = (payload ?? {}) as RebootPayload
  try {
    const r = await mav.rebootAutopilot(
      { rebootOnboardComputer: p.reboot_onboard_computer ?? false, confirm: p.confirm ?? 'heartbeat' },
      signal,
    )
    const data = { success: r.success, status_code: r.statusCode, reason: r.reason, ack_result: r.ackResult }
    return r.success
      ? { status: 'success', message: r.reason, data }
      : { status: 'error', message: r.reason, data, error_code: r.statusCode }
  } catch (e) {
    if (e instanceof MavlinkError || e instanceof ProxyUnavailable)
      return { status: 'error', message: e.message, error_code: e.code }
    return {
      status: 'error',
      message: `reboot failed: ${e instanceof Error ? e.message : String(e)}`,
      error_code: 'MAVLINK_ERROR',
    }
  }
}
