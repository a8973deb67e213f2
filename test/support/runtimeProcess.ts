/**
 * The runtime as a child process (`petal start` from the sources, through tsx), for the fault
 * tests that kill it: started with a config file and variables, waited for until its `ready` log
 * line (which gives its HTTP address), stopped by PID with SIGTERM or SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '..', '..')

/** A running `petal start`. */
export interface RuntimeProcess {
  readonly pid: number
  /** `http://127.0.0.1:<port>` from the ready line. */
  readonly httpUrl: string
  /** Everything it printed so far. */
  output(): string
  /** GET a JSON route of its HTTP API. */
  getJson(path: string): Promise<Record<string, unknown>>
  kill9(): Promise<void>
  stop(): Promise<void>
}

/**
 * Starts `petal start <args> --http-port 0` (e.g. `['--config', file]` or `['--sim']`) in `cwd`;
 * resolves at its ready line.
 */
export async function startRuntimeProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string = root,
): Promise<RuntimeProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href,
      join(root, 'runtime', 'cli', 'main.ts'),
      'start',
      ...args,
      '--http-port',
      '0',
    ],
    { cwd, env: { ...process.env, PETAL_LOG_TO_FILE: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  let httpUrl = ''
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = /"event":"ready"[^\n]*"http":"([^"]+)"|"http":"([^"]+)"[^\n]*"event":"ready"/.exec(out)
      if (m !== null && httpUrl === '') {
        httpUrl = m[1] ?? m[2]!
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.once('exit', (code) =>
      reject(new Error(`petal start exited (${code}) before ready:\n${out.slice(-3000)}`)),
    )
    setTimeout(() => reject(new Error(`petal start: no ready line in 30 s:\n${out.slice(-3000)}`)), 30_000)
  })
  await ready
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    pid: child.pid!,
    httpUrl,
    output: () => out,
    getJson: async (path) => (await (await fetch(`${httpUrl}${path}`)).json()) as Record<string, unknown>,
    kill9: async () => {
      child.kill('SIGKILL')
      await gone
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await gone
    },
  }
}
