/**
 * What a SQL statement is allowed to be in `executeQuery`, and whether it writes. Transaction
 * control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, END) is refused: use `transaction()`, so
 * the journal knows each unit of work. ATTACH, DETACH and VACUUM are refused (they would reach
 * files outside the journal). A statement starting with SELECT, VALUES or EXPLAIN, or a PRAGMA
 * without `=`, reads; everything else (WITH included, since it may carry a DML) is journaled.
 */
import { LocalDbError } from './LocalDbError.ts'

const REFUSED = new Set([
  'BEGIN',
  'COMMIT',
  'END',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'ATTACH',
  'DETACH',
  'VACUUM',
])
const READING = new Set(['SELECT', 'VALUES', 'EXPLAIN'])

/** The first keyword of `sql`, after comments and whitespace, upper-cased. */
export function firstKeyword(sql: string): string {
  const stripped = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*/, '')
  return (/^[A-Za-z]+/.exec(stripped)?.[0] ?? '').toUpperCase()
}

/** True when the statement may change the database (see the module doc). */
export function isWrite(sql: string): boolean {
  const kw = firstKeyword(sql)
  if (READING.has(kw)) return false
  if (kw === 'PRAGMA') return sql.includes('=')
  return true
}

/** Throws NOT_ALLOWED for statements `executeQuery` refuses. */
export function checkAllowed(sql: string): void {
  const kw = firstKeyword(sql)
  if (kw === '')
    throw new LocalDbError(
      'INVALID_ARGUMENT',
      `sql: expected one SQL statement, found ${JSON.stringify(sql.slice(0, 80))}`,
    )
  if (REFUSED.has(kw))
    throw new LocalDbError(
      'NOT_ALLOWED',
      `sql: ${kw} is not allowed here (${kw === 'ATTACH' || kw === 'DETACH' || kw === 'VACUUM' ? 'it reaches files outside the journal' : 'use transaction(async (tx) => ...)'})`,
    )
}
