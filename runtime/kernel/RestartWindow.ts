/**
 * OTP's restart intensity as a sliding window with millisecond precision: a restart at time t is
 * allowed when, counting it, no more than `intensity` restarts fall within `[t - periodMs, t]` (inclusive, as OTP's `inPeriod`).
 * Intensity 0 means the first restart is already one too many. Timestamps older than the period
 * are forgotten, so memory stays bounded by `intensity + 1`.
 */

/**
 * Sliding-window restart counter.
 *
 * @category supervision
 */
export class RestartWindow {
  private stamps: number[] = []

  constructor(
    readonly intensity: number,
    readonly periodMs: number,
  ) {
    if (!Number.isInteger(intensity) || intensity < 0) {
      throw new RangeError(`intensity must be an integer >= 0, got ${intensity}`)
    }
    if (!(periodMs > 0)) throw new RangeError(`periodMs must be > 0, got ${periodMs}`)
  }

  /** Records a restart at `now`; returns false when it exceeds the intensity (give up). */
  add(now: number): boolean {
    const from = now - this.periodMs
    let drop = 0
    while (drop < this.stamps.length && this.stamps[drop]! < from) drop++
    if (drop > 0) this.stamps.splice(0, drop)
    this.stamps.push(now)
    return this.stamps.length <= this.intensity
  }

  /** Restarts currently inside the window ending at `now`. */
  countAt(now: number): number {
    const from = now - this.periodMs
    return this.stamps.filter((s) => s >= from).length
  }

  reset(): void {
    this.stamps = []
  }
}
