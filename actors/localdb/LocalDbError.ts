/**
 * The local DB's typed errors. Every failure a caller can see carries one of these codes and a
 * message saying what was expected and what was found; a refused call has changed nothing.
 */

/** Error codes of the `db` proxy. */
export type LocalDbErrorCode =
  | 'INVALID_IDENTIFIER'
  | 'INVALID_ARGUMENT'
  | 'NOT_ALLOWED'
  | 'SQL_ERROR'
  | 'JOURNAL_WRITE_FAILED'
  | 'TRANSACTION_TIMEOUT'
  | 'TRANSACTION_CLOSED'
  | 'MIGRATION_FAILED'
  | 'DB_CLOSED'

/**
 * A refused or failed local DB call.
 *
 * @example
 * try { await db.insert('bad name', {}) } catch (e) { if (e instanceof LocalDbError) e.code }
 *
 * @category errors
 */
export class LocalDbError extends Error {
  constructor(
    readonly code: LocalDbErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'LocalDbError'
  }
}
