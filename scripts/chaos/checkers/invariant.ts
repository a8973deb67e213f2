/**
 * What every invariant checker returns (`InvariantResult`), the bounds they share (`CheckBounds`,
 * every default written below) and `ViolationLog`, which counts violations, keeps the first ten
 * messages and widens the time window they span (the window seeds the schedule shrinker).
 */

/** The outcome of one invariant over one run. */
export interface InvariantResult {
  /** The checker's name (`responses`, `durableWrites`, ...). */
  readonly name: string
  readonly ok: boolean
  /** One line of figures, e.g. `412 commands: 412 answered, 37 duplicate answers ...`. */
  readonly figure: string
  /** The first ten violations, human-readable, naming messageId/key/time; then `... and N more`. */
  readonly violations: readonly string[]
  /** The time span (ms since the start of the run) of all the violations, for shrinking. */
  readonly window?: { readonly from: number; readonly to: number }
}

/** Bounds of the checkers; each field is optional and defaults to `DEFAULT_BOUNDS`. */
export interface CheckBounds {
  /** `recovery`: longest acceptable time from a server's return to the proxy healthy. 30 000. */
  readonly maxRecoveryMs?: number
  /** `recovery`: longest acceptable time from a runtime start to its ready line. 30 000. */
  readonly maxReadyMs?: number
  /** `restartPolicy`: slack on observed event times (they travel over `/ws/inspect`). 5. */
  readonly timingToleranceMs?: number
  /** `resources`: an incarnation is judged only when its samples span this long. 60 000. */
  readonly minSpanMs?: number
  /** `resources`: heap growth (last-quarter median minus first-quarter median) allowed. 64 MiB. */
  readonly maxHeapGrowthBytes?: number
  /** `resources`: rss growth allowed, measured the same way. 128 MiB. */
  readonly maxRssGrowthBytes?: number
  /** `resources`: handles allowed above the first quarter's maximum in the last quarter. 25. */
  readonly maxHandleGrowth?: number
}

/** Every bound with its default. */
export const DEFAULT_BOUNDS: Required<CheckBounds> = {
  maxRecoveryMs: 30_000,
  maxReadyMs: 30_000,
  timingToleranceMs: 5,
  minSpanMs: 60_000,
  maxHeapGrowthBytes: 64 * 2 ** 20,
  maxRssGrowthBytes: 128 * 2 ** 20,
  maxHandleGrowth: 25,
}

/** Fills the defaults of `bounds`. */
export function resolveBounds(bounds: CheckBounds | undefined): Required<CheckBounds> {
  return { ...DEFAULT_BOUNDS, ...bounds }
}

/** How many violation messages a result keeps. */
export const SHOWN_VIOLATIONS = 10

/**
 * Collects the violations of one checker: counts them all, keeps the first `SHOWN_VIOLATIONS`
 * messages, and spans `[from, to]` over every violation's times.
 */
export class ViolationLog {
  #count = 0
  readonly #shown: string[] = []
  #from = Number.POSITIVE_INFINITY
  #to = Number.NEGATIVE_INFINITY

  /** Records one violation that happened between `from` and `to` (ms since the start of the run). */
  add(message: string, from?: number, to: number | undefined = from): void {
    this.#count++
    if (this.#shown.length < SHOWN_VIOLATIONS) this.#shown.push(message)
    if (from !== undefined) this.#from = Math.min(this.#from, from)
    if (to !== undefined) this.#to = Math.max(this.#to, to)
  }

  get count(): number {
    return this.#count
  }

  /** The result: ok when nothing was recorded. */
  result(name: string, figure: string): InvariantResult {
    const violations =
      this.#count > SHOWN_VIOLATIONS
        ? [...this.#shown, `... and ${this.#count - SHOWN_VIOLATIONS} more`]
        : [...this.#shown]
    const window = this.#from <= this.#to ? { from: this.#from, to: this.#to } : undefined
    return { name, ok: this.#count === 0, figure, violations, ...(window && { window }) }
  }
}
