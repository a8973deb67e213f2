/**
 * A small seeded PRNG (mulberry32) so backoff jitter and fault schedules replay from a seed.
 * Not for cryptography. The same seed always yields the same sequence.
 */

/** A function returning floats in `[0, 1)`. */
export type Random = () => number

/**
 * Returns a deterministic generator for `seed` (any 32-bit integer).
 *
 * @example
 * const r = seededRandom(42)
 * r() // same value on every run
 *
 * @category constructors
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
