/**
 * The runtime the HTTP benchmark measures, in this process: `petal start`'s own `startRuntime`
 * from a YAML file in a temporary folder (HTTP on a free loopback port, logs discarded), plus
 * `extra` idle actors under a `/bench` supervisor so the tree has the size asked for, and a
 * dashboard client in a child process (a real WebSocket on `/ws/inspect` that parses every event
 * as the dashboard's page does, so its work is not charged to the runtime's event loop).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { ConfigError } from '../../runtime/config/ConfigError.ts'
import { loadConfig } from '../../runtime/config/loadConfig.ts'
import { type RuntimeHandle, startRuntime } from '../../runtime/host/startRuntime.ts'
import { type Behavior, supervisor } from '../../runtime/kernel/index.ts'
import { createLogger } from '../../runtime/log/logger.ts'
import { loadPetals } from '../../runtime/petal/loadPetals.ts'

const idle: Behavior<null, { type: 'noop' }> = { init: () => null, receive: (s) => s }

/** Starts the runtime with `extra` more idle actors; resolves once HTTP answers. */
export async function startBenchRuntime(extra: number): Promise<RuntimeHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'petal-bench-http-'))
  writeFileSync(join(dir, 'petal.yaml'), 'enabled_petals: [petal-example]\nenabled_proxies: []\n')
  const config = loadConfig({ cwd: dir, env: { PETAL_LOG_TO_FILE: 'false' }, httpPort: '0' })
  const { petals, issues } = await loadPetals(config)
  if (issues.length > 0) throw new ConfigError(issues)
  const sink = new Writable({ write: (_c, _e, done) => done() })
  const { log, ring } = createLogger({ level: 'warn', toFile: false, dir, maxBytes: 1e9, stdout: sink })
  const runtime = await startRuntime(config, petals, {
    log,
    logRing: ring,
    version: 'bench',
    onFatal: (e) => {
      throw e
    },
  })
  const children = Array.from({ length: extra }, (_, i) => ({ id: `a${i}`, start: idle }))
  await runtime.system.startChild({ id: 'bench', start: supervisor({ children }), restart: 'temporary' })
  return runtime
}

/** A dashboard's WebSocket client in a child process; `stop()` resolves with the events it parsed. */
export interface DashboardClient {
  stop(): Promise<number>
}

const CLIENT = `
const WebSocket = require('ws')
let n = 0
const ws = new WebSocket(process.argv[1])
ws.on('message', (d) => { JSON.parse(d.toString()); n++ })
ws.on('open', () => process.stdout.write('open\\n'))
ws.on('error', (e) => { process.stderr.write(String(e)); process.exit(1) })
process.stdin.on('data', () => { process.stdout.write(n + '\\n'); process.exit(0) })
`

/** Connects a dashboard client to `httpUrl`'s `/ws/inspect`; resolves once it is connected. */
export async function attachDashboard(httpUrl: string): Promise<DashboardClient> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', CLIENT, `${httpUrl.replace(/^http/, 'ws')}/ws/inspect`],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const lines: string[] = []
  let wake: (() => void) | undefined
  child.stdout!.on('data', (d: Buffer) => {
    lines.push(...d.toString().trim().split('\n'))
    wake?.()
  })
  const next = async (): Promise<string> => {
    while (lines.length === 0) {
      if (child.exitCode !== null) throw new Error(`dashboard client exited with ${child.exitCode}`)
      await new Promise<void>((r) => {
        wake = r
        setTimeout(r, 100)
      })
    }
    return lines.shift()!
  }
  if ((await next()) !== 'open') throw new Error('dashboard client did not connect')
  return {
    stop: async () => {
      child.stdin!.write('x')
      return Number(await next())
    },
  }
}
