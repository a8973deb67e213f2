/**
 * The kernel's failure kinds, one class each, every one with a stable `code` so callers branch on
 * the code instead of the message. Messages say what was expected and what happened.
 */

/**
 * Base of every kernel error.
 *
 * @category errors
 */
export class KernelError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/**
 * The target's mailbox is full and its overflow policy is `reject`.
 *
 * @category errors
 */
export class MailboxFull extends KernelError {
  constructor(path: string, capacity: number) {
    super('MAILBOX_FULL', `mailbox of ${path} is full (capacity ${capacity}, policy reject)`)
  }
}

/**
 * The message was dropped by an overflow policy (`drop-newest`, or evicted by `drop-oldest`), or by
 * the `mailbox.drop` fault point (`policy` is then `fault`).
 *
 * @category errors
 */
export class MessageDropped extends KernelError {
  constructor(path: string, policy: string) {
    super(
      'MESSAGE_DROPPED',
      policy === 'fault'
        ? `message to ${path} was dropped by fault injection (mailbox.drop)`
        : `message to ${path} was dropped by overflow policy ${policy}`,
    )
  }
}

/**
 * No reply arrived within the ask's time-out.
 *
 * @category errors
 */
export class AskTimeout extends KernelError {
  constructor(path: string, messageType: string, timeoutMs: number) {
    super('ASK_TIMEOUT', `no reply from ${path} to '${messageType}' within ${timeoutMs} ms`)
  }
}

/**
 * The target is stopped (or stopped before it answered).
 *
 * @category errors
 */
export class ActorStopped extends KernelError {
  constructor(path: string) {
    super('ACTOR_STOPPED', `actor ${path} is stopped`)
  }
}

/**
 * The target failed while handling the message; `cause` is its error.
 *
 * @category errors
 */
export class ActorFailed extends KernelError {
  constructor(path: string, cause: unknown) {
    super('ACTOR_FAILED', `actor ${path} failed while handling the message: ${describeError(cause)}`, {
      cause,
    })
  }
}

/**
 * The handler finished without replying to an ask (and did not defer its reply).
 *
 * @category errors
 */
export class NoReply extends KernelError {
  constructor(path: string, messageType: string) {
    super('NO_REPLY', `actor ${path} handled '${messageType}' without replying`)
  }
}

/**
 * An async handler (or `init`) ran past its time limit; the actor fails with this.
 *
 * @category errors
 */
export class HandlerTimeout extends KernelError {
  constructor(path: string, what: string, limitMs: number) {
    super('HANDLER_TIMEOUT', `${what} of ${path} ran past its time limit of ${limitMs} ms`)
  }
}

/**
 * A supervisor saw more restarts than its intensity allows within its period, and gave up.
 *
 * @category errors
 */
export class IntensityExceeded extends KernelError {
  constructor(path: string, intensity: number, periodMs: number, cause: unknown) {
    super(
      'RESTART_INTENSITY_EXCEEDED',
      `${path} gave up: more than ${intensity} restart(s) within ${periodMs} ms; last failure: ${describeError(cause)}`,
      { cause },
    )
  }
}

/**
 * A fault point (see `faults.ts`) fired on purpose; only ever raised while a fault plan is armed.
 *
 * @category errors
 */
export class FaultInjected extends KernelError {
  constructor(
    readonly point: string,
    path: string,
  ) {
    super('FAULT_INJECTED', `fault injected at ${point} for ${path}`)
  }
}

/** One line for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error) ?? String(error)
  } catch {
    return String(error)
  }
}
