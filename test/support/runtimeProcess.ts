/**
 * The built `petal` CLI as a child process, for end-to-end tests: its JSON log lines collected,
 * its `ready` line awaited (giving the HTTP address), its exit awaited. Logs go to stdout only
 * (`PETAL_LOG_TO_FILE=false`) unless the test says otherwise.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = process.cwd()
export const CLI = join(ROOT, 'dist', 'runtime', 'cli', 'main.js')
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href

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
  options: { cwd?: string; env?: Record<string, string>; fromSource?: boolean; readyTimeoutMs?: number } = {},
): RuntimeProcess {
  // From source (through tsx) when the test's petals are TypeScript; else the built CLI.
  const entry = options.fromSource ? ['--import', TSX, join(ROOT, 'runtime', 'cli', 'main.ts')] : [CLI]
  const child = spawn(process.execPath, [...entry, ...args], {
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
  const ready = waitFor((l) => l.event === 'ready', options.readyTimeoutMs).then((l) => String(l.http))
  ready.catch(() => {})
  return { child, lines, stderr: () => err, ready, exited, waitFor }
}

/** A started runtime, for the fault tests that stop or kill it. */
export interface RunningRuntime {
  readonly pid: number
  /** `http://127.0.0.1:<port>` from the ready line. */
  readonly httpUrl: string
  /** Everything it printed so far (stdout lines and stderr). */
  output(): string
  /** GET a JSON route of its HTTP API. */
  getJson(path: string): Promise<Record<string, unknown>>
  kill9(): Promise<void>
  stop(): Promise<void>
}

/**
 * Starts `petal start <args> --http-port 0` with `env` in `cwd` and resolves at its ready line
 * (`fromSource` runs the sources through tsx, for TypeScript test petals).
 */
export async function runRuntime(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string = process.cwd(),
  fromSource = false,
): Promise<RunningRuntime> {
  const r = startRuntimeProcess(['start', ...args, '--http-port', '0'], { cwd, env: { ...env }, fromSource })
  const output = () => `${r.lines.map((l) => JSON.stringify(l)).join('\n')}\n${r.stderr()}`
  let httpUrl: string
  try {
    httpUrl = await r.ready
  } catch (e) {
    r.child.kill('SIGKILL')
    throw new Error(`petal start did not become ready: ${(e as Error).message}\n${output().slice(-3000)}`)
  }
  return {
    pid: r.child.pid!,
    httpUrl,
    output,
    getJson: async (path) => (await (await fetch(`${httpUrl}${path}`)).json()) as Record<string, unknown>,
    kill9: async () => {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL')
      await r.exited
    },
    stop: async () => {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM')
      await r.exited
    },
  }
}
