/**
 * Loads the sql.js WebAssembly module once per process (about 25 ms) and shares it between every
 * database opened afterwards. The package itself is imported then too, so a runtime without a
 * database never loads it.
 */
import type { SqlJsStatic } from 'sql.js'

let loading: Promise<SqlJsStatic> | undefined

/** The sql.js module, loaded on first use. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= import('sql.js').then((m) => m.default())
  return loading
}
