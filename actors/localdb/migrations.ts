/**
 * Versioned migrations per owner (a petal name): each `{ version, up }` is applied once, in
 * ascending order, in its own unit of work together with its row in `_petal_migrations`, so a
 * crash leaves either both or neither. Versions are positive integers, unique per call. `up` is
 * SQL text (several statements allowed) or a list of statements.
 */
import type { DurableDatabase } from './DurableDatabase.ts'
import { LocalDbError } from './LocalDbError.ts'
import { checkAllowed } from './statementKind.ts'

/** One migration. */
export interface Migration {
  readonly version: number
  readonly up: string | readonly string[]
  readonly description?: string
}

/** What `migrate` did. */
export interface MigrationResult {
  readonly owner: string
  readonly applied: readonly number[]
  readonly current: number
}

/** DDL of the migrations table (created at open, never journaled). */
export const MIGRATIONS_DDL =
  'CREATE TABLE IF NOT EXISTS _petal_migrations (owner TEXT NOT NULL, version INTEGER NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (owner, version))'

/** Checks the owner and the list; returns the migrations sorted by version. */
export function checkMigrations(owner: unknown, migrations: unknown): Migration[] {
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 128)
    throw new LocalDbError(
      'INVALID_ARGUMENT',
      `owner: expected a non-empty name (a petal name), found ${JSON.stringify(owner)}`,
    )
  if (!Array.isArray(migrations))
    throw new LocalDbError(
      'INVALID_ARGUMENT',
      `migrations: expected an array of { version, up }, found ${typeof migrations}`,
    )
  const seen = new Set<number>()
  for (const [i, m] of migrations.entries()) {
    const v = (m as Migration | null)?.version
    const up = (m as Migration | null)?.up
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      throw new LocalDbError(
        'INVALID_ARGUMENT',
        `migrations[${i}].version: expected a positive integer, found ${JSON.stringify(v)}`,
      )
    if (seen.has(v))
      throw new LocalDbError('INVALID_ARGUMENT', `migrations[${i}].version: ${v} appears twice`)
    seen.add(v)
    if (!(typeof up === 'string' || (Array.isArray(up) && up.every((s) => typeof s === 'string'))))
      throw new LocalDbError(
        'INVALID_ARGUMENT',
        `migrations[${i}].up: expected SQL text or an array of statements`,
      )
  }
  return [...(migrations as Migration[])].sort((a, b) => a.version - b.version)
}

/** Applies `owner`'s pending migrations, each in its own unit with its record. */
export async function runMigrations(
  store: DurableDatabase,
  owner: string,
  list: unknown,
): Promise<MigrationResult> {
  const migrations = checkMigrations(owner, list)
  const done = new Set(
    store
      .read('SELECT version FROM _petal_migrations WHERE owner = ?', [owner])
      .map((r) => Number(r.version)),
  )
  const applied: number[] = []
  for (const m of migrations) {
    if (done.has(m.version)) continue
    const texts = typeof m.up === 'string' ? [m.up] : m.up
    try {
      store.begin()
      try {
        for (const text of texts) store.stepScript(text, checkAllowed)
        store.step('INSERT INTO _petal_migrations (owner, version, applied_at) VALUES (?, ?, ?)', [
          owner,
          m.version,
          Date.now(),
        ])
      } catch (e) {
        store.rollback()
        throw e
      }
      await store.commit()
    } catch (e) {
      throw new LocalDbError(
        'MIGRATION_FAILED',
        `${owner} migration ${m.version} failed and was not applied: ${(e as Error).message}`,
      )
    }
    applied.push(m.version)
  }
  const current = Number(
    store.read('SELECT max(version) AS v FROM _petal_migrations WHERE owner = ?', [owner])[0]?.v ?? 0,
  )
  return { owner, applied, current }
}
