/**
 * SQL identifiers (table and column names) as the `db` proxy accepts them: `[A-Za-z_][A-Za-z0-9_]*`,
 * at most 128 characters, and never the proxy's own `_petal_*` tables. Anything else is refused
 * before any SQL is built, so a name can never carry SQL into a statement.
 */
import { LocalDbError } from './LocalDbError.ts'

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Tables the proxy owns (journal state, migrations, outbox); user calls may not name them. */
export const INTERNAL_PREFIX = '_petal_'

/**
 * Checks an identifier and returns it double-quoted for SQL.
 *
 * @example
 * quoteIdentifier('flights', 'table') // '"flights"'
 * quoteIdentifier('x; DROP TABLE y', 'table') // throws LocalDbError INVALID_IDENTIFIER
 *
 * @category validation
 */
export function quoteIdentifier(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.length > 128 || !IDENTIFIER.test(name)) {
    throw new LocalDbError(
      'INVALID_IDENTIFIER',
      `${what}: expected a name matching [A-Za-z_][A-Za-z0-9_]* (at most 128 characters), found ${JSON.stringify(name)}`,
    )
  }
  if (name.toLowerCase().startsWith(INTERNAL_PREFIX)) {
    throw new LocalDbError(
      'NOT_ALLOWED',
      `${what}: '${name}' is reserved for the runtime (${INTERNAL_PREFIX}*)`,
    )
  }
  return `"${name}"`
}
