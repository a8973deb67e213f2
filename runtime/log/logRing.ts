/**
 * The last log lines in memory (default 500), for the dashboard's log panel. It is a pino
 * destination (a writable stream of JSON lines) placed beside stdout and the file; subscribers are
 * told of each line. A line that is not JSON is kept as its text.
 */
import { Writable } from 'node:stream'

/** One log line as the dashboard shows it. */
export interface LogLine {
  readonly level: number
  readonly time: number
  readonly msg: string
  readonly fields: Record<string, unknown>
}

/**
 * A bounded ring of recent log lines.
 *
 * @category logging
 */
export class LogRing extends Writable {
  private readonly ring: LogLine[] = []
  private readonly subscribers = new Set<(line: LogLine) => void>()
  private partial = ''

  constructor(private readonly capacity = 500) {
    super({ decodeStrings: false })
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.partial += chunk.toString()
    for (let i = this.partial.indexOf('\n'); i >= 0; i = this.partial.indexOf('\n')) {
      this.add(this.partial.slice(0, i))
      this.partial = this.partial.slice(i + 1)
    }
    done()
  }

  private add(text: string): void {
    if (text === '') return
    let line: LogLine
    try {
      const { level, time, msg, ...fields } = JSON.parse(text) as Record<string, unknown>
      line = { level: Number(level ?? 30), time: Number(time ?? Date.now()), msg: String(msg ?? ''), fields }
    } catch {
      line = { level: 30, time: Date.now(), msg: text, fields: {} }
    }
    this.ring.push(line)
    if (this.ring.length > this.capacity) this.ring.shift()
    for (const l of this.subscribers) l(line)
  }

  /** Lines kept, oldest first. */
  lines(): readonly LogLine[] {
    return this.ring
  }

  /** Calls `listener` for each new line; returns the unsubscribe function. */
  subscribe(listener: (line: LogLine) => void): () => void {
    this.subscribers.add(listener)
    return () => this.subscribers.delete(listener)
  }
}
