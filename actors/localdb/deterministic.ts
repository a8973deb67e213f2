/**
 * Makes a unit of work replay exactly: while it runs, SQLite's clock (`'now'`, CURRENT_TIMESTAMP,
 * `unixepoch()`) reads the unit's recorded time, and `random()` / `randomblob(n)` draw from a PRNG
 * seeded by the unit's recorded seed. All statements of one unit see the same `'now'`. Edge case:
 * `random()` returns an integer-valued REAL (sql.js cannot return a 64-bit INTEGER from a
 * JavaScript function), which `%`, `abs()` and comparisons treat as the integer it is.
 */
import type { Database } from 'sql.js'

/** The replay context of one unit of work. */
export interface UnitContext {
  readonly timeMs: number
  readonly seed: number
}

/** Installs the deterministic `random()` and `randomblob()` on `db`; returns the seeding hook. */
export function installDeterminism(db: Database): { reseed(seed: number): void } {
  let state = 0
  const next = (): number => {
    // mulberry32: small, fast, and enough for SQL's random(); not for cryptography.
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  db.create_function('random', () => (next() * 2 ** 21 + (next() >>> 11)) * (next() & 1 ? 1 : -1))
  db.create_function('randomblob', (n: unknown) => {
    const len = Math.max(1, Math.min(typeof n === 'number' ? Math.trunc(n) : 1, 1 << 20))
    const out = new Uint8Array(len)
    for (let i = 0; i < len; i += 4) {
      const v = next()
      for (let j = 0; j < 4 && i + j < len; j++) out[i + j] = (v >>> (8 * j)) & 0xff
    }
    return out
  })
  return {
    reseed: (seed) => {
      state = seed | 0
    },
  }
}

/** Runs `fn` with SQLite's clock pinned to `timeMs` (sql.js reads `Date.now()` for the time). */
export function atTime<T>(timeMs: number, fn: () => T): T {
  const real = Date.now
  Date.now = () => timeMs
  try {
    return fn()
  } finally {
    Date.now = real
  }
}
