/**
 * Real servers for tests, as child processes on free loopback ports. A server is started from a
 * command line, waited for until its TCP port accepts connections, and stopped by PID: `stop()`
 * sends SIGTERM (SIGKILL after 5 s), `kill9()` sends SIGKILL at once (the fault tests), `restart()`
 * starts it again on the same port. A server that cannot start fails the test with its output.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer, Socket } from 'node:net'

/** A running server process. */
export interface ServerProcess {
  readonly name: string
  readonly port: number
  readonly pid: number | undefined
  /** Graceful stop (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>
  /** Abrupt stop (SIGKILL), as a crash would. */
  kill9(): Promise<void>
  /** Starts it again on the same port. */
  restart(): Promise<void>
}

/** How to start one server. */
export interface ServerSpec {
  readonly name: string
  /** The binary; checked with `command -v` first. */
  readonly command: string
  readonly args: (port: number) => string[]
  readonly env?: Readonly<Record<string, string>>
  readonly cwd?: string
  /** Port to use (default: a free one). */
  readonly port?: number
  /** How long to wait for the port, ms (default 15 000). */
  readonly startTimeoutMs?: number
  /** The Debian package that provides `command`, for the error message. */
  readonly debianPackage?: string
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Resolves once `port` accepts a TCP connection; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket()
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => {
        s.destroy()
        resolve(false)
      })
      s.connect(port, host)
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** True when `bin` is on the PATH. */
export function hasCommand(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0
}

/**
 * Starts a server process and waits for its port.
 *
 * @example
 * const redis = await startServer({ name: 'redis', command: 'redis-server', args: (p) => ['--port', String(p)] })
 * await redis.kill9(); await redis.restart()
 */
export async function startServer(spec: ServerSpec): Promise<ServerProcess> {
  if (!hasCommand(spec.command)) {
    const pkg = spec.debianPackage ?? spec.command
    throw new Error(
      `${spec.name}: '${spec.command}' is not installed (install the Debian package ${pkg}; npm test does it as root)`,
    )
  }
  const port = spec.port ?? (await freePort())
  let child: ChildProcess | undefined
  let output = ''
  const launch = async (): Promise<void> => {
    output = ''
    const c = spawn(spec.command, spec.args(port), {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = c
    c.stdout?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-8000)
    })
    c.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-8000)
    })
    const exited = new Promise<never>((_, reject) =>
      c.once('exit', (code, signal) =>
        reject(
          new Error(
            `${spec.name} exited (code ${code}, signal ${signal}) before listening on ${port}:\n${output}`,
          ),
        ),
      ),
    )
    try {
      await Promise.race([waitForPort(port, spec.startTimeoutMs ?? 15_000), exited])
    } catch (e) {
      c.kill('SIGKILL')
      throw new Error(`${spec.name} did not start: ${(e as Error).message}\n${output}`)
    }
    exited.catch(() => {})
  }
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return
    const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()))
    c.kill(signal)
    const force = setTimeout(() => c.kill('SIGKILL'), 5000)
    await gone
    clearTimeout(force)
  }
  await launch()
  return {
    name: spec.name,
    port,
    get pid() {
      return child?.pid
    },
    stop: () => halt('SIGTERM'),
    kill9: () => halt('SIGKILL'),
    restart: async () => {
      await halt('SIGTERM')
      await launch()
    },
  }
}
