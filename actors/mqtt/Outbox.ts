/**
 * The persistent outbox: QoS 1 publishes and responses are appended to a journal file (and, with
 * `fsync`, flushed to the disk) before they are sent, and marked done once the broker acknowledged
 * them. After a crash, even `kill -9`, the entries not marked done are sent again (at-least-once).
 * Appends arriving together share one write and one fdatasync (group commit). The journal is JSON
 * lines (`{"a":id,"t":topic,"p":payload}` to add, `{"k":id}` when done); a torn last line is
 * ignored; past 1 MiB with few live entries it is rewritten (tmp file, fsync, rename).
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { type FileHandle, open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'

/** One message waiting for the broker's acknowledgement. */
export interface OutboxEntry {
  readonly id: number
  /** Topic relative to the device base (`response`, `command/web`). */
  readonly topic: string
  /** The payload, serialised. */
  readonly payload: string
  /** When it was added (epoch ms). */
  readonly at: number
}

/**
 * The outbox is full: the broker has been away long enough for `limit` messages to pile up.
 *
 * @category errors
 */
export class OutboxFull extends Error {
  readonly code = 'OUTBOX_FULL'
  constructor(limit: number) {
    super(
      `the MQTT outbox holds ${limit} unacknowledged messages (its limit); not accepting more until the broker takes some`,
    )
    this.name = 'OutboxFull'
  }
}

const COMPACT_BYTES = 1024 * 1024

/**
 * A journal-backed outbox.
 *
 * @example
 * const outbox = await Outbox.open('data/mqtt-outbox.jsonl', { fsync: true, limit: 10_000 })
 * const entry = await outbox.add('response', '{"messageId":"m1"}') // durable now
 * outbox.done(entry.id) // after PUBACK
 *
 * @category internals
 */
export class Outbox {
  private readonly live = new Map<number, OutboxEntry>()
  private nextId = 1
  private batch: string[] = []
  private waiting: { readonly id: number; resolve(): void; reject(e: unknown): void }[] = []
  private flushing: Promise<void> | null = null
  private bytes = 0
  private closed = false

  private constructor(
    readonly path: string,
    private fh: FileHandle,
    private readonly fsync: boolean,
    private readonly limit: number,
  ) {}

  /** Opens (creating) the journal and loads the entries still waiting. */
  static async open(path: string, o: { readonly fsync: boolean; readonly limit: number }): Promise<Outbox> {
    mkdirSync(dirname(path), { recursive: true })
    let text = ''
    try {
      text = readFileSync(path, 'utf8')
    } catch {
      // no journal yet
    }
    const fh = await open(path, 'a')
    const box = new Outbox(path, fh, o.fsync, o.limit)
    box.load(text)
    if (box.bytes > COMPACT_BYTES) await box.compact()
    return box
  }

  private load(text: string): void {
    this.bytes = Buffer.byteLength(text)
    for (const line of text.split('\n')) {
      if (line === '') continue
      let rec: { a?: number; t?: string; p?: string; at?: number; k?: number }
      try {
        rec = JSON.parse(line)
      } catch {
        continue // a line torn by a crash mid-write
      }
      if (typeof rec.a === 'number' && typeof rec.t === 'string' && typeof rec.p === 'string') {
        this.live.set(rec.a, { id: rec.a, topic: rec.t, payload: rec.p, at: rec.at ?? Date.now() })
        this.nextId = Math.max(this.nextId, rec.a + 1)
      } else if (typeof rec.k === 'number') this.live.delete(rec.k)
    }
  }

  /** Entries waiting, oldest first. */
  pending(): OutboxEntry[] {
    return [...this.live.values()]
  }

  get size(): number {
    return this.live.size
  }

  /** The waiting entry `id`, if it still waits. */
  entry(id: number): OutboxEntry | undefined {
    return this.live.get(id)
  }

  /** Epoch ms of the oldest waiting entry, or undefined. */
  get oldestAt(): number | undefined {
    return this.live.values().next().value?.at
  }

  /** Adds an entry; resolves once it is in the journal (and on the disk, with `fsync`). */
  async add(topic: string, payload: string): Promise<OutboxEntry> {
    if (this.closed) throw new Error('the outbox is closed')
    if (this.live.size >= this.limit) throw new OutboxFull(this.limit)
    const entry: OutboxEntry = { id: this.nextId++, topic, payload, at: Date.now() }
    this.live.set(entry.id, entry)
    this.batch.push(JSON.stringify({ a: entry.id, t: topic, p: payload, at: entry.at }))
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ id: entry.id, resolve, reject })
      this.kick()
    })
    return entry
  }

  /** Marks an entry acknowledged (journaled with the next batch; losing it only means a resend). */
  done(id: number): void {
    if (!this.live.delete(id) || this.closed) return
    this.batch.push(JSON.stringify({ k: id }))
    this.kick()
  }

  private kick(): void {
    if (this.flushing !== null) return
    this.flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.flushLoop())
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.batch.length > 0) {
        const lines = this.batch
        const waiting = this.waiting
        this.batch = []
        this.waiting = []
        const text = `${lines.join('\n')}\n`
        try {
          await this.fh.write(text)
          if (this.fsync && waiting.length > 0) await this.fh.datasync()
        } catch (e) {
          // Not durable: the caller is told, and the entry is not sent.
          for (const w of waiting) {
            this.live.delete(w.id)
            w.reject(e)
          }
          continue
        }
        this.bytes += Buffer.byteLength(text)
        for (const w of waiting) w.resolve()
        if (this.bytes > COMPACT_BYTES && this.live.size < 1000) await this.compact().catch(() => {})
      }
    } finally {
      this.flushing = null
      if (this.batch.length > 0 && !this.closed) this.kick()
    }
  }

  /** Rewrites the journal with only the live entries (atomic: tmp, fsync, rename). */
  private async compact(): Promise<void> {
    const tmp = `${this.path}.tmp-${process.pid}`
    const out = await open(tmp, 'w')
    const text = this.pending()
      .map((e) => `${JSON.stringify({ a: e.id, t: e.topic, p: e.payload, at: e.at })}\n`)
      .join('')
    await out.write(text)
    await out.datasync()
    await out.close()
    await rename(tmp, this.path)
    const dir = await open(dirname(this.path), 'r')
    await dir.sync().finally(() => dir.close())
    await this.fh.close()
    this.fh = await open(this.path, 'a')
    this.bytes = Buffer.byteLength(text)
  }

  /** Waits for pending writes, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return
    while (this.flushing !== null) await this.flushing
    this.closed = true
    await this.fh.close()
  }
}
