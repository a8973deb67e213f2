/**
 * The SQL behind `insert`, `update` and `delete`: identifiers checked and quoted, every value
 * bound as a parameter. A `where` is an object of column conditions joined by AND: a value means
 * `=`, `null` means IS NULL, an array means IN (...). `update` and `delete` refuse an empty `where`
 * (changing every row is what `executeQuery` is for); `insert` and `update` refuse empty data.
 */

import { quoteIdentifier } from './identifiers.ts'
import { LocalDbError } from './LocalDbError.ts'
import { type SqlValue, toSqlValue } from './sqlValues.ts'

/** Column values, as a caller passes them. */
export type RowData = Readonly<Record<string, unknown>>

/** A statement ready to run. */
export interface BuiltStatement {
  readonly sql: string
  readonly params: SqlValue[]
}

function entries(data: unknown, what: string): [string, unknown][] {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new LocalDbError(
      'INVALID_ARGUMENT',
      `${what}: expected an object of column values, found ${Array.isArray(data) ? 'an array' : String(data)}`,
    )
  const list = Object.entries(data)
  if (list.length === 0)
    throw new LocalDbError('INVALID_ARGUMENT', `${what}: expected at least one column, found none`)
  return list
}

/** `WHERE ...` for a condition object. */
export function buildWhere(where: unknown): BuiltStatement {
  const params: SqlValue[] = []
  const parts = entries(where, 'where').map(([column, value]) => {
    const col = quoteIdentifier(column, `where column`)
    if (value === null || value === undefined) return `${col} IS NULL`
    if (Array.isArray(value)) {
      if (value.length === 0)
        throw new LocalDbError(
          'INVALID_ARGUMENT',
          `where.${column}: expected a non-empty array of values, found []`,
        )
      for (const [i, v] of value.entries()) params.push(toSqlValue(v, `where.${column}[${i}]`))
      return `${col} IN (${value.map(() => '?').join(', ')})`
    }
    params.push(toSqlValue(value, `where.${column}`))
    return `${col} = ?`
  })
  return { sql: ` WHERE ${parts.join(' AND ')}`, params }
}

const insertCache = new Map<string, string>()

/** `INSERT INTO table (...) VALUES (...)`. */
export function buildInsert(table: unknown, data: unknown): BuiltStatement {
  const cols = entries(data, 'data')
  // names already checked once are looked up, not checked again (inserts repeat their shape)
  const cacheKey = typeof table === 'string' ? `${table}\u0000${cols.map(([c]) => c).join('\u0000')}` : ''
  const cached = insertCache.get(cacheKey)
  if (cached !== undefined) return { sql: cached, params: cols.map(([c, v]) => toSqlValue(v, `data.${c}`)) }
  const built = buildInsertUncached(table, cols)
  if (insertCache.size > 500) insertCache.clear()
  insertCache.set(cacheKey, built.sql)
  return built
}

function buildInsertUncached(table: unknown, cols: [string, unknown][]): BuiltStatement {
  const t = quoteIdentifier(table, 'table')
  return {
    sql: `INSERT INTO ${t} (${cols.map(([c]) => quoteIdentifier(c, 'column')).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    params: cols.map(([c, v]) => toSqlValue(v, `data.${c}`)),
  }
}

/** `UPDATE table SET ... WHERE ...`. */
export function buildUpdate(table: unknown, data: unknown, where: unknown): BuiltStatement {
  const t = quoteIdentifier(table, 'table')
  const cols = entries(data, 'data')
  const w = buildWhere(where)
  return {
    sql: `UPDATE ${t} SET ${cols.map(([c]) => `${quoteIdentifier(c, 'column')} = ?`).join(', ')}${w.sql}`,
    params: [...cols.map(([c, v]) => toSqlValue(v, `data.${c}`)), ...w.params],
  }
}

/** `DELETE FROM table WHERE ...`. */
export function buildDelete(table: unknown, where: unknown): BuiltStatement {
  const t = quoteIdentifier(table, 'table')
  const w = buildWhere(where)
  return { sql: `DELETE FROM ${t}${w.sql}`, params: w.params }
}

/** `SELECT rowid AS __rowid, * FROM table WHERE ...`: the rows a change will touch. */
export function buildSelectImages(table: unknown, where: unknown): BuiltStatement {
  const t = quoteIdentifier(table, 'table')
  const w = buildWhere(where)
  return { sql: `SELECT rowid AS __rowid, * FROM ${t}${w.sql}`, params: w.params }
}
