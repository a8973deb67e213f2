/**
 * The resend interval of the windowed flows, adapted to the link. Before any sample it is the
 * configured interval; after, `max(3 × srtt, srtt + 4 × rttvar)` (Jacobson/Karels smoothing, as
 * TCP), clamped to [minMs, maxMs]. Only first-attempt replies are sampled (Karn's rule), so a
 * resend never shortens the estimate by matching an earlier request's reply.
 */

/** Options of {@link RttEstimator}. */
export interface RttOptions {
  /** Interval before any sample, ms. */
  readonly initialMs: number
  /** Floor, ms. Default 300 (below it, a busy autopilot's normal delay causes needless resends). */
  readonly minMs?: number
  /** Ceiling, ms. Default 10 000. */
  readonly maxMs?: number
  /** Adapt at all. Default true. */
  readonly adaptive?: boolean
}

/**
 * A smoothed round-trip estimate and the resend interval derived from it.
 *
 * @category flow control
 */
export class RttEstimator {
  srtt: number | undefined = undefined
  rttvar = 0
  samples = 0
  /** The smallest round trip seen: the link's delay without queueing. */
  min: number | undefined = undefined
  private readonly minMs: number
  private readonly maxMs: number

  constructor(private readonly options: RttOptions) {
    this.minMs = Math.min(options.minMs ?? 300, options.initialMs)
    this.maxMs = Math.max(options.maxMs ?? 10_000, options.initialMs)
  }

  /** Records one round trip of `ms`. */
  sample(ms: number): void {
    this.samples++
    if (this.min === undefined || ms < this.min) this.min = ms
    if (this.srtt === undefined) {
      this.srtt = ms
      this.rttvar = ms / 2
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - ms)
      this.srtt = 0.875 * this.srtt + 0.125 * ms
    }
  }

  /** The current resend interval, ms. */
  resendMs(): number {
    if (this.srtt === undefined || this.options.adaptive === false) return this.options.initialMs
    const raw = Math.max(3 * this.srtt, this.srtt + 4 * this.rttvar)
    return Math.min(this.maxMs, Math.max(this.minMs, raw))
  }
}
