/**
 * The runtime under test, run as an init system would: the built `petal start` as a child
 * process, restarted one second after any exit the harness did not cause (recorded as a crash),
 * or after `downMs` when the harness killed it with SIGKILL. Each incarnation's supervision
 * events are read from its `/ws/inspect` stream (event times from the runtime's own clock).
 */
import WebSocket from 'ws'
import { type RuntimeProcess, startRuntimeProcess } from '../../test/support/runtimeProcess.ts'
import type { ExitRecord, RuntimeStartRecord, SupervisionRecord } from './history.ts'

/** Options of {@link RuntimeManager}. */
export interface RuntimeManagerOptions {
  readonly args: readonly string[]
  readonly env: Readonly<Record<string, string>>
  readonly cwd: string
  /** Milliseconds since the start of the run. */
  readonly now: () => number
  /** Wall-clock time of the run's start (to place the runtime's own event times). */
  readonly wallStart: number
  /** Called each time an incarnation is ready. */
  readonly onReady?: (incarnation: number) => void
}

/** The child, its records, and the hooks the harness needs. */
export class RuntimeManager {
  readonly exits: ExitRecord[] = []
  readonly starts: RuntimeStartRecord[] = []
  readonly supervision: SupervisionRecord[] = []
  /** The HTTP base URL of the current incarnation, while it is ready. */
  httpUrl: string | undefined
  private proc: RuntimeProcess | undefined
  private incarnation = -1
  private stopping = false
  private killedByHarness = false
  private closeReceiver: (() => void) | undefined
  private readyWaiters: (() => void)[] = []
  private tail = ''

  constructor(private readonly o: RuntimeManagerOptions) {}

  /** Which incarnation runs (0 = the first). */
  get current(): number {
    return this.incarnation
  }

  /** The PID of the running incarnation. */
  get pid(): number | undefined {
    return this.proc?.child.pid
  }

  /** The last output of the runtime (for reports). */
  output(): string {
    return this.tail
  }

  /** Starts an incarnation; resolves when it is ready (or rejects when it cannot start). */
  async start(): Promise<void> {
    const incarnation = ++this.incarnation
    const startedAt = this.o.now()
    this.killedByHarness = false
    const proc = startRuntimeProcess(['start', ...this.o.args, '--http-port', '0'], {
      cwd: this.o.cwd,
      env: { ...this.o.env },
      // Generous: a loaded 2-core machine has been seen to take 15 s (the recovery checker bounds it).
      readyTimeoutMs: 60_000,
    })
    this.proc = proc
    const record: { incarnation: number; startedAt: number; readyAt?: number } = { incarnation, startedAt }
    this.starts.push(record)
    void proc.exited.then(({ code, signal }) => this.onExit(proc, incarnation, code, signal))
    const url = await proc.ready.catch((e: unknown) => {
      this.tail = `${proc.lines.map((l) => JSON.stringify(l)).join('\n')}\n${proc.stderr()}`.slice(-4000)
      // Never ready: an init system would kill it and try again (the start stays without readyAt,
      // which the recovery checker reports).
      if (proc.child.exitCode === null && proc.child.signalCode === null && !this.stopping) {
        this.killedByHarness = true
        proc.child.kill('SIGKILL')
        setTimeout(() => {
          if (!this.stopping) void this.start().catch(() => {})
        }, 1000)
      }
      throw e
    })
    if (this.proc !== proc) return
    record.readyAt = this.o.now()
    this.httpUrl = url
    this.watchSupervision(url, incarnation)
    for (const w of this.readyWaiters.splice(0)) w()
    this.o.onReady?.(incarnation)
  }

  /** GET a JSON route of the running incarnation; undefined while it does not answer. */
  async getJson(path: string, timeoutMs = 10_000): Promise<Record<string, unknown> | undefined> {
    const url = this.httpUrl
    if (url === undefined) return undefined
    try {
      const r = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(timeoutMs) })
      return r.ok ? ((await r.json()) as Record<string, unknown>) : undefined
    } catch {
      return undefined
    }
  }

  /** Resolves when an incarnation is ready. */
  whenReady(): Promise<void> {
    if (this.httpUrl !== undefined) return Promise.resolve()
    return new Promise((resolve) => this.readyWaiters.push(resolve))
  }

  /** kill -9 of the runtime; restarted after `downMs`. Resolves once it has exited. */
  async kill9(downMs: number): Promise<void> {
    const proc = this.proc
    if (proc === undefined || proc.child.exitCode !== null || proc.child.signalCode !== null) return
    this.killedByHarness = true
    this.httpUrl = undefined
    proc.child.kill('SIGKILL')
    await proc.exited
    setTimeout(() => {
      if (!this.stopping) void this.start().catch(() => {})
    }, downMs)
  }

  /** Stops the runtime for good (SIGTERM). */
  async stop(): Promise<void> {
    this.stopping = true
    this.closeReceiver?.()
    const proc = this.proc
    if (proc === undefined || proc.child.exitCode !== null || proc.child.signalCode !== null) return
    this.killedByHarness = true
    proc.child.kill('SIGTERM')
    const forced = setTimeout(() => proc.child.kill('SIGKILL'), 10_000)
    await proc.exited
    clearTimeout(forced)
  }

  private onExit(
    proc: RuntimeProcess,
    incarnation: number,
    code: number | null,
    signal: string | null,
  ): void {
    const byHarness = this.killedByHarness
    this.exits.push({ at: this.o.now(), incarnation, code, signal, byHarness })
    this.tail = `${proc.lines
      .slice(-40)
      .map((l) => JSON.stringify(l))
      .join('\n')}\n${proc.stderr().slice(-2000)}`
    if (this.proc === proc) this.httpUrl = undefined
    this.closeReceiver?.()
    this.closeReceiver = undefined
    // An exit the harness did not cause is a crash: restart it, as systemd would.
    if (!byHarness && !this.stopping) setTimeout(() => void this.start().catch(() => {}), 1000)
  }

  private watchSupervision(url: string, incarnation: number): void {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/inspect`)
    socket.on('error', () => {})
    socket.on('message', (data) => {
      let ev: { type?: string; kind?: string; path?: string; delayMs?: number; createdAt?: string }
      try {
        ev = JSON.parse(data.toString())
      } catch {
        return
      }
      if (ev.type !== '@petal.supervision' || typeof ev.path !== 'string') return
      const wall = Number(ev.createdAt)
      this.supervision.push({
        at: Number.isFinite(wall) ? wall - this.o.wallStart : this.o.now(),
        incarnation,
        path: ev.path,
        kind: String(ev.kind),
        ...(typeof ev.delayMs === 'number' ? { delayMs: ev.delayMs } : {}),
      })
    })
    this.closeReceiver = () => socket.terminate()
  }
}
