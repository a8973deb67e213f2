/**
 * Loads the sql.js WebAssembly module once per process (about 25 ms) and shares it between every
 * database opened afterwards.
 */
import initSqlJs, { type SqlJsStatic } from 'sql.js'

let loading: Promise<SqlJsStatic> | undefined

/** The sql.js module, loaded on first use. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs()
  return loading
}
