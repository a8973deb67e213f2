/**
 * The persistent outbox: QoS 1 publishes and responses are appended to a journal file before they
 * are sent, and marked done once the broker acknowledged them. After a crash, even `kill -9`, the
 * entries not marked done are sent again (at-least-once). A response added as the answer to a
 * command carries its `messageId` in the same record, and the last 1000 such answers
 * (`keepAnswers`) are reloaded at open, done or not: the dedup window (`Dedup.ts`) outlives the
 * process with no write of its own. How far the disk is forced (`fsync`):
 * `always` waits for fdatasync before an entry counts as added (survives power loss too);
 * `interval` (the default) counts it once written (survives any crash of this process) and forces
 * the disk in the background at most 100 ms later; `never` leaves that to the kernel. Appends
 * arriving in the same turn share one write (synchronous: a small append to the page cache) and
 * one fdatasync (group commit). The journal is JSON lines (`{"a":id,"t":topic,"p":payload}` to
 * add, plus `"m":messageId` for an answer; `{"k":id}` when done; `{"m":messageId,"p":payload}` for
 * a kept answer after a rewrite); a torn last line is ignored; past 1 MiB (or twice its size after
 * the last rewrite, whichever is larger) with few live entries it is rewritten to the live entries
 * and the kept answers (tmp file, fsync, rename).
 */
import { mkdirSync, readFileSync, writeSync } from 'node:fs'
import { type FileHandle, open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DEDUP_WINDOW } from './Dedup.ts'

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

/** Options of {@link Outbox.open}. */
export interface OutboxOptions {
  readonly fsync: FsyncMode
  /** Entries that may wait at once; past it `add` fails with {@link OutboxFull}. */
  readonly limit: number
  /** Answers (messageId → response) kept across rewrites and reopens. Default 1000, the dedup window. */
  readonly keepAnswers?: number
}

interface Waiting {
  readonly id: number
  /** `[messageId, payload]` when the entry answers a command. */
  readonly answer: readonly [string, string] | undefined
  resolve(): void
  reject(e: unknown): void
}

const SYNC_INTERVAL_MS = 100
const DONE_FLUSH_MS = 50

/**
 * A journal-backed outbox.
 *
 * @example
 * const outbox = await Outbox.open('data/mqtt-outbox.jsonl', { fsync: 'interval', limit: 10_000 })
 * const entry = await outbox.add('response', '{"messageId":"m1"}', 'm1') // durable now, answers m1
 * outbox.done(entry.id) // after PUBACK
 * outbox.answers.get('m1') // '{"messageId":"m1"}', after a reopen too
 *
 * @category internals
 */
export class Outbox {
  private readonly live = new Map<number, OutboxEntry>()
  private nextId = 1
  private batch: string[] = []
  private waiting: Waiting[] = []
  private readonly kept = new Map<string, string>()
  private flushing: Promise<void> | null = null
  private bytes = 0
  private compactAt = COMPACT_BYTES
  private closed = false
  private syncTimer: NodeJS.Timeout | undefined = undefined
  private doneTimer: NodeJS.Timeout | undefined = undefined

  private constructor(
    readonly path: string,
    private fh: FileHandle,
    private readonly fsync: FsyncMode,
    private readonly limit: number,
    private readonly keepAnswers: number,
  ) {}

  /** Opens (creating) the journal and loads the entries still waiting and the kept answers. */
  static async open(path: string, o: OutboxOptions): Promise<Outbox> {
    mkdirSync(dirname(path), { recursive: true })
    let text = ''
    try {
      text = readFileSync(path, 'utf8')
    } catch {
      // no journal yet
    }
    const fh = await open(path, 'a')
    const box = new Outbox(path, fh, o.fsync, o.limit, o.keepAnswers ?? DEDUP_WINDOW)
    box.load(text)
    if (box.bytes > box.compactAt) await box.compact()
    return box
  }

  private load(text: string): void {
    this.bytes = Buffer.byteLength(text)
    for (const line of text.split('\n')) {
      if (line === '') continue
      let rec: { a?: number; t?: string; p?: string; at?: number; k?: number; m?: string }
      try {
        rec = JSON.parse(line)
      } catch {
        continue // a line torn by a crash mid-write
      }
      if (typeof rec.a === 'number' && typeof rec.t === 'string' && typeof rec.p === 'string') {
        this.live.set(rec.a, { id: rec.a, topic: rec.t, payload: rec.p, at: rec.at ?? Date.now() })
        this.nextId = Math.max(this.nextId, rec.a + 1)
      } else if (typeof rec.k === 'number') this.live.delete(rec.k)
      if (typeof rec.m === 'string' && typeof rec.p === 'string') this.keep(rec.m, rec.p)
    }
  }

  private keep(messageId: string, payload: string): void {
    if (this.keepAnswers <= 0) return
    this.kept.delete(messageId)
    this.kept.set(messageId, payload)
    if (this.kept.size > this.keepAnswers) this.kept.delete(this.kept.keys().next().value!)
  }

  /**
   * The last answers added (`messageId` → response payload), oldest first, as durable as the
   * entries themselves: what seeds the dedup window at start.
   */
  get answers(): ReadonlyMap<string, string> {
    return this.kept
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

  /**
   * Adds an entry; resolves once it is in the journal (and on the disk, with `fsync`). With
   * `answers`, the entry is the answer to that command `messageId`, kept in {@link answers} from
   * then on (in the same journal record: no extra write).
   */
  async add(topic: string, payload: string, answers?: string): Promise<OutboxEntry> {
    if (this.closed) throw new Error('the outbox is closed')
    if (this.live.size >= this.limit) throw new OutboxFull(this.limit)
    const entry: OutboxEntry = { id: this.nextId++, topic, payload, at: Date.now() }
    this.live.set(entry.id, entry)
    this.batch.push(
      JSON.stringify(
        answers === undefined
          ? { a: entry.id, t: topic, p: payload, at: entry.at }
          : { a: entry.id, t: topic, p: payload, at: entry.at, m: answers },
      ),
    )
    const answer = answers === undefined ? undefined : ([answers, payload] as const)
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ id: entry.id, answer, resolve, reject })
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
        for (const w of waiting) {
          if (w.answer !== undefined) this.keep(w.answer[0], w.answer[1])
          w.resolve()
        }
        if (this.bytes > this.compactAt && this.live.size < 1000) await this.compact().catch(() => {})
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

  /** Rewrites the journal with only the kept answers and the live entries (atomic: tmp, fsync, rename). */
  private async compact(): Promise<void> {
    const tmp = `${this.path}.tmp-${process.pid}`
    const out = await open(tmp, 'w')
    const answers = [...this.kept].map(([m, p]) => `${JSON.stringify({ m, p })}\n`)
    const text = answers
      .concat(
        this.pending().map((e) => `${JSON.stringify({ a: e.id, t: e.topic, p: e.payload, at: e.at })}\n`),
      )
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
    // Kept answers can make a rewrite large: wait for the journal to double before the next one.
    this.compactAt = Math.max(COMPACT_BYTES, 2 * this.bytes)
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
