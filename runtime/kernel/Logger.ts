/**
 * The logging surface the kernel needs: pino's call shape (`log.warn(fields, message)`), so the
 * host passes its pino logger straight in. The default logs nothing.
 */

/** A pino-compatible logger. */
export interface Logger {
  debug(fields: object, message: string): void
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
}
