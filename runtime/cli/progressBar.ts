/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never in pipes, logs or
 * `--json` captures), redrawn at most 10 times a second.
 */

/** A progress bar; `update(done, total)` and `finish()`. */
export interface ProgressBar {
  update(done: number, total: number): void
  finish(): void
}

/**
 * A bar labelled `label`, or a no-op when stderr is not a TTY.
 *
 * @category cli
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update() {}, finish() {} }
  let last = 0
  let drawn = false
  return {
    update(done, total) {
      const now = Date.now()
      if (now - last < 100 && done < total) return
      last = now
      const width = 30
      const filled = total > 0 ? Math.round((done / total) * width) : 0
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`)
      drawn = true
    },
    finish() {
      if (drawn) stream.write('\n')
    },
  }
}
