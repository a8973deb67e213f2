/**
 * Failures of the MAVLink proxy, one class each with a stable `code` of the wire contract:
 * `PROXY_UNAVAILABLE` (no autopilot heartbeat: calls fail fast instead of queueing frames that
 * would be lost), `TIMEOUT_ERROR` (no matching reply in time), `VALIDATION_ERROR` (bad input,
 * nothing sent), `PROXY_CLOSED` (the proxy stopped while the call was running).
 */
import { ProxyUnavailable } from '../ProxyUnavailable.ts'

/**
 * Base of every MAVLink proxy error.
 *
 * @category errors
 */
export class MavlinkError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = new.target.name
  }
}

/**
 * No autopilot heartbeat (or no transport): the call was refused before sending anything.
 *
 * @category errors
 */
export class MavlinkUnavailable extends ProxyUnavailable {
  constructor(detail: string) {
    super('ext_mavlink', detail, `MAVLink connection not established: ${detail}`)
  }
}

/**
 * No matching reply within the time allowed.
 *
 * @category errors
 */
export class MavlinkTimeout extends MavlinkError {
  constructor(what: string, ms: number, attempts: number) {
    super('TIMEOUT_ERROR', `No reply/condition for ${what} in ${ms / 1000}s (${attempts} attempt(s))`)
  }
}

/**
 * Bad input from the caller; nothing was sent.
 *
 * @category errors
 */
export class MavlinkValidationError extends MavlinkError {
  constructor(message: string) {
    super('VALIDATION_ERROR', message)
  }
}

/**
 * The proxy stopped (or restarted) while the call was in progress.
 *
 * @category errors
 */
export class MavlinkClosed extends MavlinkError {
  constructor() {
    super('PROXY_CLOSED', 'the MAVLink proxy stopped while the call was in progress')
  }
}

/**
 * The caller aborted the flow (its `AbortSignal`); frames already sent may have been applied.
 *
 * @category errors
 */
export class MavlinkCancelled extends MavlinkError {
  constructor(reason: string) {
    super('CANCELLED', `cancelled (${reason}); frames already sent may have been applied`)
  }
}
