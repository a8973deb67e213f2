/**
 * Invalid configuration, as values: each issue names where it came from (a file or `env`), the
 * key, the form that was expected and the value that was found. The CLI prints one line per issue
 * and exits with code 78 (EX_CONFIG) before anything starts.
 */

/** One problem in the configuration. */
export interface ConfigIssue {
  /** A file path, `env`, or `cli`. */
  readonly source: string
  /** Dotted key (`petals.petal-x`) or variable name (`PETAL_REDIS_PORT`). */
  readonly key: string
  readonly expected: string
  readonly found: string
}

/** Exit code of invalid configuration (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78

/**
 * The configuration cannot be used; `issues` lists every problem found.
 *
 * @category errors
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_ERROR'
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'))
    this.name = 'ConfigError'
  }
}

/** `source: key: expected X, found Y`. */
export function formatIssue(issue: ConfigIssue): string {
  return `${issue.source}: ${issue.key}: expected ${issue.expected}, found ${issue.found}`
}

/** A short, printable rendering of a found value. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value)
  try {
    const s = JSON.stringify(value)
    return s.length > 120 ? `${s.slice(0, 117)}...` : s
  } catch {
    return String(value)
  }
}
