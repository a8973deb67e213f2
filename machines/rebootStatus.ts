/**
 * The reboot result as the original reports it (`RebootAutopilotResponse`): its status code names
 * and reason strings, which the web app shows to users, kept word for word.
 */

/** Status codes of a reboot (the original's `RebootStatusCode`). */
export type RebootStatusCode =
  | 'OK_ACK_ACCEPTED'
  | 'OK_REBOOT_CONFIRMED_NO_ACK'
  | 'OK_ACK_ACCEPTED_HB_CONFIRMED'
  | 'OK_HB_CONFIRMED_NO_ACK'
  | 'FAIL_ACK_DENIED'
  | 'FAIL_ACK_TEMPORARILY_REJECTED'
  | 'FAIL_ACK_UNSUPPORTED'
  | 'FAIL_ACK_FAILED'
  | 'FAIL_ACK_IN_PROGRESS'
  | 'FAIL_ACK_CANCELLED'
  | 'FAIL_NO_ACK_MATCH'
  | 'FAIL_NO_HEARTBEAT_TRACKING'
  | 'FAIL_REBOOT_NOT_CONFIRMED_NO_HB_DROP'
  | 'FAIL_REBOOT_NOT_CONFIRMED_HB_NO_RETURN'
  | 'FAIL_ACK_UNKNOWN'

/** The outcome of a reboot (the original's shape, camel-cased). */
export interface RebootResult {
  readonly success: boolean
  readonly statusCode: RebootStatusCode
  readonly reason: string
  /** The MAV_RESULT of the COMMAND_ACK, or null when none came. */
  readonly ackResult: number | null
}

const ACK_CODES: Readonly<Record<number, [RebootStatusCode, string]>> = {
  1: ['FAIL_ACK_TEMPORARILY_REJECTED', 'TEMPORARILY_REJECTED'],
  2: ['FAIL_ACK_DENIED', 'DENIED'],
  3: ['FAIL_ACK_UNSUPPORTED', 'UNSUPPORTED'],
  4: ['FAIL_ACK_FAILED', 'FAILED'],
  5: ['FAIL_ACK_IN_PROGRESS', 'IN_PROGRESS'],
  6: ['FAIL_ACK_CANCELLED', 'CANCELLED'],
}

/** Seconds as Python prints a float (`5.0`, `1.5`), as the original's reasons do. */
export function pySeconds(s: number): string {
  return Number.isInteger(s) ? s.toFixed(1) : String(s)
}

/** The result for a COMMAND_ACK that is not ACCEPTED. */
export function ackFailure(result: number): RebootResult {
  const [statusCode, name] = ACK_CODES[result] ?? ['FAIL_ACK_UNKNOWN', `UNKNOWN(${result})`]
  return {
    success: false,
    statusCode,
    reason: `Autopilot rejected the reboot command: ${name}.`,
    ackResult: result,
  }
}

/** ACCEPTED, without heartbeat confirmation. */
export function ackAccepted(): RebootResult {
  return {
    success: true,
    statusCode: 'OK_ACK_ACCEPTED',
    reason: 'Autopilot acknowledged the reboot command (ACCEPTED).',
    ackResult: 0,
  }
}

/** The heartbeat never dropped. */
export function noDrop(windowS: number, gapS: number, ackResult: number | null): RebootResult {
  return {
    success: false,
    statusCode: 'FAIL_REBOOT_NOT_CONFIRMED_NO_HB_DROP',
    reason: `Heartbeat did not drop within ${pySeconds(windowS)}s window (gap threshold: ${pySeconds(gapS)}s). Reboot not confirmed.`,
    ackResult,
  }
}

/** The heartbeat dropped and did not return. */
export function noReturn(windowS: number, ackResult: number | null): RebootResult {
  return {
    success: false,
    statusCode: 'FAIL_REBOOT_NOT_CONFIRMED_HB_NO_RETURN',
    reason: `Heartbeat drop observed but heartbeat did not return within ${pySeconds(windowS)}s. Autopilot may still be rebooting.`,
    ackResult,
  }
}

/** Drop and return seen; the code depends on the mode and on the ACK. */
export function confirmedByHeartbeat(mode: 'ack' | 'heartbeat', ackResult: number | null): RebootResult {
  if (mode === 'ack')
    return {
      success: true,
      statusCode: 'OK_REBOOT_CONFIRMED_NO_ACK',
      reason: 'No ACK received, but reboot confirmed via heartbeat drop + return.',
      ackResult,
    }
  if (ackResult === 0)
    return {
      success: true,
      statusCode: 'OK_ACK_ACCEPTED_HB_CONFIRMED',
      reason: 'Reboot confirmed: COMMAND_ACK accepted and heartbeat drop + return observed.',
      ackResult,
    }
  return {
    success: true,
    statusCode: 'OK_HB_CONFIRMED_NO_ACK',
    reason: 'Reboot confirmed via heartbeat drop + return (no COMMAND_ACK received).',
    ackResult,
  }
}
