/**
 * Reads a proxy kind's `PETAL_*` variables into typed values, collecting every bad value as an
 * `OptionIssue` (never throwing), so `parseOptions` can report all of them at once. Empty strings
 * count as unset. Booleans accept true/false, 1/0, yes/no, on/off in any case.
 */
import type { OptionIssue } from './ProxyKind.ts'

/** A reader over one environment. */
export class OptionReader {
  readonly issues: OptionIssue[] = []

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  /** The raw value, or undefined when unset or empty. */
  raw(key: string): string | undefined {
    const v = this.env[key]
    return v === undefined || v.trim() === '' ? undefined : v.trim()
  }

  string(key: string, fallback: string): string
  string(key: string): string | undefined
  string(key: string, fallback?: string): string | undefined {
    return this.raw(key) ?? fallback
  }

  /** A number within [min, max]. */
  number(key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER, integer = false): number {
    const v = this.raw(key)
    if (v === undefined) return fallback
    const n = Number(v)
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      this.issues.push({
        key,
        expected: `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
        found: JSON.stringify(v),
      })
      return fallback
    }
    return n
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.raw(key)?.toLowerCase()
    if (v === undefined) return fallback
    if (['true', '1', 'yes', 'on'].includes(v)) return true
    if (['false', '0', 'no', 'off'].includes(v)) return false
    this.issues.push({
      key,
      expected: 'true/false, 1/0, yes/no or on/off',
      found: JSON.stringify(this.env[key]),
    })
    return fallback
  }

  /** An http(s) URL. */
  url(key: string): string | undefined {
    const v = this.raw(key)
    if (v === undefined) return undefined
    try {
      const u = new URL(v)
      if (u.protocol === 'http:' || u.protocol === 'https:') return v
    } catch {
      // reported below
    }
    this.issues.push({ key, expected: 'an http:// or https:// URL', found: JSON.stringify(v) })
    return undefined
  }

  /** A value matching `pattern`, described by `expected`. */
  matching(key: string, pattern: RegExp, expected: string): string | undefined {
    const v = this.raw(key)
    if (v === undefined) return undefined
    if (pattern.test(v)) return v
    this.issues.push({ key, expected, found: JSON.stringify(v) })
    return undefined
  }
}
