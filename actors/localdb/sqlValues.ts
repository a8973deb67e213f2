/**
 * Values a caller may bind, and how they are stored: strings, finite numbers, bigints and
 * `Uint8Array`s as they are; booleans as 1/0; `null` and `undefined` as NULL; plain objects and
 * arrays as JSON text. Anything else (a function, a symbol, NaN, Infinity, a Date) is refused with
 * INVALID_ARGUMENT. Values are always bound as parameters, never spliced into SQL text.
 */
import { LocalDbError } from './LocalDbError.ts'

/** A value sql.js binds. */
export type SqlValue = string | number | bigint | Uint8Array | null

/** A value a caller may pass (see the module doc). */
export type SqlInput = SqlValue | boolean | undefined | readonly unknown[] | { readonly [k: string]: unknown }

/** A row as read back: column name to value. */
export type SqlRow = Record<string, SqlValue>

/**
 * Turns a caller's value into a bindable one.
 *
 * @category validation
 */
export function toSqlValue(value: unknown, where: string): SqlValue {
  if (value === null || value === undefined) return null
  switch (typeof value) {
    case 'string':
    case 'bigint':
      return value
    case 'boolean':
      return value ? 1 : 0
    case 'number':
      if (!Number.isFinite(value))
        throw new LocalDbError('INVALID_ARGUMENT', `${where}: expected a finite number, found ${value}`)
      return value
    case 'object': {
      if (value instanceof Uint8Array) return value
      const proto = Object.getPrototypeOf(value)
      if (Array.isArray(value) || proto === Object.prototype || proto === null) return JSON.stringify(value)
      break
    }
  }
  throw new LocalDbError(
    'INVALID_ARGUMENT',
    `${where}: expected a string, number, bigint, boolean, null, Uint8Array, plain object or array, found ${describe(value)}`,
  )
}

/** Checks and converts a parameter list (positional) for `executeQuery`. */
export function toSqlParams(params: unknown, where: string): SqlValue[] {
  if (params === undefined) return []
  if (!Array.isArray(params))
    throw new LocalDbError(
      'INVALID_ARGUMENT',
      `${where}: expected an array of parameters, found ${describe(params)}`,
    )
  return params.map((v, i) => toSqlValue(v, `${where}[${i}]`))
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (typeof v === 'object') return v.constructor?.name ?? 'object'
  return typeof v
}

/** Journal form of a value: JSON-safe, with bigints and bytes tagged. */
export type JournalValue = string | number | null | { readonly $i: string } | { readonly $b: string }

/** Encodes a bound value for the journal. */
export function encodeValue(v: SqlValue): JournalValue {
  if (typeof v === 'bigint') return { $i: v.toString() }
  if (v instanceof Uint8Array)
    return { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') }
  return v
}

/** Decodes a journal value; throws on a shape that no encoder makes (a corrupt record). */
export function decodeValue(v: unknown): SqlValue {
  if (v === null || typeof v === 'string' || typeof v === 'number') return v
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (typeof o.$i === 'string') return BigInt(o.$i)
    if (typeof o.$b === 'string') return new Uint8Array(Buffer.from(o.$b, 'base64'))
  }
  throw new Error(`not a journal value: ${JSON.stringify(v)}`)
}
