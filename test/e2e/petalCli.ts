/**
 * Runs the built `petal` CLI as a child process and collects what it prints. `startSim` runs
 * `petal sim` and reads its `ready` line for the endpoint it bound; it is stopped by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { CLI } from '../support/runtimeProcess.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** The command line that starts `petal`: the built CLI (test/support/globalSetup.ts keeps it fresh). */
export function petalCommand(): string[] {
  return [process.execPath, CLI]
}

/** What a finished CLI run gave. */
export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `petal args...` to completion. */
export function runPetal(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  const [bin, ...pre] = petalCommand()
  return new Promise((resolve, reject) => {
    const c = spawn(bin!, [...pre, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    c.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    c.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    const t = setTimeout(() => {
      c.kill('SIGKILL')
      reject(new Error(`petal ${args.join(' ')} ran past ${timeoutMs} ms\n${stderr}`))
    }, timeoutMs)
    c.once('exit', (code) => {
      clearTimeout(t)
      resolve({ code, stdout, stderr })
    })
  })
}

/** A running `petal sim`. */
export interface SimProcess {
  readonly endpoint: string
  readonly pid: number | undefined
  /** SIGTERM, or SIGKILL with `kill9`; resolves once it exited. */
  stop(kill9?: boolean): Promise<void>
}

/** Starts `petal sim args...` and waits for its `ready` line. */
export function startSim(args: string[], timeoutMs = 30_000): Promise<SimProcess> {
  const [bin, ...pre] = petalCommand()
  const c: ChildProcess = spawn(bin!, [...pre, 'sim', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  c.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000)
  })
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      c.kill('SIGKILL')
      reject(new Error(`petal sim gave no ready line within ${timeoutMs} ms\n${err}`))
    }, timeoutMs)
    c.once('exit', (code) => {
      clearTimeout(t)
      reject(new Error(`petal sim exited (${code}) before ready\n${err}`))
    })
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.includes('"ready"'))
      if (line === undefined) return
      clearTimeout(t)
      c.removeAllListeners('exit')
      resolve({
        endpoint: (JSON.parse(line) as { endpoint: string }).endpoint,
        pid: c.pid,
        stop: (kill9 = false) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null || c.signalCode !== null) return done()
            c.once('exit', () => done())
            c.kill(kill9 ? 'SIGKILL' : 'SIGTERM')
          }),
      })
    })
  })
}

/** `udpin:127.0.0.1:P` → `udpout:127.0.0.1:P` (how a client reaches a listening sim). */
export function clientOf(endpoint: string): string {
  return endpoint.replace(/^udpin:/, 'udpout:').replace(/^tcpin:/, 'tcp:')
}

/** A running `petal start`. */
export interface RuntimeProcess {
  readonly url: string
  readonly pid: number | undefined
  readonly output: () => string
  stop(): Promise<number | null>
}

/** Starts `petal start args...` (HTTP on a free port) and waits for its `ready` line. */
export function startPetalRuntime(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 60_000,
): Promise<RuntimeProcess> {
  const [bin, ...pre] = petalCommand()
  const c = spawn(bin!, [...pre, 'start', '--http-port', '0', ...args], {
    cwd,
    env: { ...process.env, PETAL_LOG_TO_FILE: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const collect = (d: Buffer) => {
    out = (out + d.toString()).slice(-200_000)
  }
  c.stdout.on('data', collect)
  c.stderr.on('data', collect)
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      c.kill('SIGKILL')
      reject(new Error(`petal start gave no ready line within ${timeoutMs} ms\n${out}`))
    }, timeoutMs)
    c.once('exit', (code) => {
      clearTimeout(t)
      reject(new Error(`petal start exited (${code}) before ready\n${out}`))
    })
    const onData = () => {
      const m = /"event":"ready","http":"([^"]+)"/.exec(out)
      if (m === null) return
      clearTimeout(t)
      c.removeAllListeners('exit')
      c.stdout.off('data', onData)
      resolve({
        url: m[1]!,
        pid: c.pid,
        output: () => out,
        stop: () =>
          new Promise((done) => {
            if (c.exitCode !== null || c.signalCode !== null) return done(c.exitCode)
            c.once('exit', (code) => done(code))
            c.kill('SIGTERM')
          }),
      })
    }
    c.stdout.on('data', onData)
  })
}

/** Polls `fn` every 200 ms until it returns a value that is not undefined. */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
