/**
 * The built `petal` CLI as a child process, for end-to-end tests: its JSON log lines collected,
 * its `ready` line awaited (giving the HTTP address), its exit awaited. Logs go to stdout only
 * (`PETAL_LOG_TO_FILE=false`) unless the test says otherwise.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

export const CLI = join(process.cwd(), 'dist', 'runtime', 'cli', 'main.js')

export interface RuntimeProcess {
  readonly child: ChildProcess
  /** Parsed JSON log lines so far (non-JSON lines as `{ raw }`). */
  readonly lines: Record<string, unknown>[]
  readonly stderr: () => string
  /** Resolves with the HTTP base URL once the ready line is logged. */
  readonly ready: Promise<string>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves with the first log line matching `pred`. */
  waitFor(
    pred: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>
}

export function startRuntimeProcess(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): RuntimeProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, PETAL_LOG_TO_FILE: 'false', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Record<string, unknown>[] = []
  const waiters: {
    pred: (l: Record<string, unknown>) => boolean
    resolve: (l: Record<string, unknown>) => void
  }[] = []
  let err = ''
  let buf = ''
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString()
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const text = buf.slice(0, i)
      buf = buf.slice(i + 1)
      let line: Record<string, unknown>
      try {
        line = JSON.parse(text) as Record<string, unknown>
      } catch {
        line = { raw: text }
      }
      lines.push(line)
      for (const w of [...waiters]) {
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(line)
        }
      }
    }
  })
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const waitFor = (pred: (line: Record<string, unknown>) => boolean, timeoutMs = 15_000) => {
    const found = lines.find(pred)
    if (found !== undefined) return Promise.resolve(found)
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(
            new Error(
              `no matching log line within ${timeoutMs} ms; stderr:\n${err}\nstdout:\n${JSON.stringify(lines.slice(-20), null, 1)}`,
            ),
          ),
        timeoutMs,
      )
      waiters.push({
        pred,
        resolve: (l) => {
          clearTimeout(t)
          resolve(l)
        },
      })
      void exited.then(() => {
        clearTimeout(t)
        reject(
          new Error(
            `runtime exited before the expected log line; stderr:\n${err}\nstdout:\n${JSON.stringify(lines.slice(-20), null, 1)}`,
          ),
        )
      })
    })
  }
  const ready = waitFor((l) => l.event === 'ready').then((l) => String(l.http))
  ready.catch(() => {})
  return { child, lines, stderr: () => err, ready, exited, waitFor }
}
