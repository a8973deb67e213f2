/**
 * The persistent outbox: QoS 1 publishes and responses are appended to a journal file before they
 * are sent, and marked done once the broker acknowledged them. After a crash, even `kill -9`, the
 * entries not marked done are sent again (at-least-once). How far the disk is forced (`fsync`):
 * `always` waits for fdatasync before an entry counts as added (survives power loss too);
 * `interval` (the default) counts it once written (survives any crash of this process) and forces
 * the disk in the background at most 100 ms later; `never` leaves that to the kernel. Appends
 * arriving in the same turn share one write (synchronous: a small append to the page cache) and
 * one fdatasync (group commit). The journal is JSON
 * lines (`{"a":id,"t":topic,"p":payload}` to add, `{"k":id}` when done); a torn last line is
 * ignored; past 1 MiB with few live entries it is rewritten (tmp file, fsync, rename).
 */
import { mkdirSync, readFileSync, writeSync } from 'node:fs'
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

/** How far the disk is forced (see the module doc). */
export type FsyncMode = 'always' | 'interval' | 'never'

const SYNC_INTERVAL_MS = 100
const DONE_FLUSH_MS = 50

/**
 * A journal-backed outbox.
 *
 * @example
 * const outbox = await Outbox.open('data/mqtt-outbox.jsonl', { fsync: 'interval', limit: 10_000 })
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
  private syncTimer: NodeJS.Timeout | undefined = undefined
  private doneTimer: NodeJS.Timeout | undefined = undefined

  private constructor(
    readonly path: string,
    private fh: FileHandle,
    private readonly fsync: FsyncMode,
    private readonly limit: number,
  ) {}

  /** Opens (creating) the journal and loads the entries still waiting. */
  static async open(path: string, o: { readonly fsync: FsyncMode; readonly limit: number }): Promise<Outbox> {
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

  /**
   * Marks an entry acknowledged. The mark rides with the next write, or goes out within 50 ms:
   * losing it in a crash only means the message is sent once more.
   */
  done(id: number): void {
    if (!this.live.delete(id) || this.closed) return
    this.batch.push(JSON.stringify({ k: id }))
    if (this.doneTimer !== undefined || this.flushing !== null) return
    this.doneTimer = setTimeout(() => {
      this.doneTimer = undefined
      if (!this.closed) this.kick()
    }, DONE_FLUSH_MS)
    this.doneTimer.unref()
  }

  private kick(): void {
    if (this.flushing !== null) return
    // Everything added in this turn goes out in one write.
    this.flushing = new Promise<void>((r) => queueMicrotask(r)).then(() => this.flushLoop())
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
          // A small append to the page cache takes microseconds: synchronous beats a threadpool hop.
          writeSync(this.fh.fd, text)
          if (this.fsync === 'always' && waiting.length > 0) await this.fh.datasync()
          else if (this.fsync === 'interval') this.syncSoon()
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

  /** Forces the journal to the disk within SYNC_INTERVAL_MS (one pending sync at a time). */
  private syncSoon(): void {
    if (this.syncTimer !== undefined) return
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined
      if (!this.closed) this.fh.datasync().catch(() => {})
    }, SYNC_INTERVAL_MS)
    this.syncTimer.unref()
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
    clearTimeout(this.doneTimer)
    this.doneTimer = undefined
    if (this.batch.length > 0) this.kick()
    while (this.flushing !== null) await this.flushing
    this.closed = true
    clearTimeout(this.syncTimer)
    if (this.fsync !== 'never') await this.fh.datasync().catch(() => {})
    await this.fh.close()
  }
}
