/**
 * A whole runtime in the test process, from YAML text in a temporary directory: config and petals
 * loaded as `petal start` loads them, the tree started (HTTP on a free loopback port), and a second
 * fastify app on the same host for `inject` tests. Logs are kept in memory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { ConfigError } from '../../runtime/config/ConfigError.ts'
import { loadConfig } from '../../runtime/config/loadConfig.ts'
import { type RuntimeHandle, startRuntime } from '../../runtime/host/startRuntime.ts'
import { buildServer } from '../../runtime/http/server.ts'
import { InspectionHub } from '../../runtime/inspect/InspectionHub.ts'
import { createLogger } from '../../runtime/log/logger.ts'
import { loadPetals } from '../../runtime/petal/loadPetals.ts'

export interface TestRuntime {
  readonly dir: string
  readonly configPath: string
  readonly runtime: RuntimeHandle
  readonly app: FastifyInstance
  readonly fatal: unknown[]
  stop(): Promise<void>
}

export async function startTestRuntime(
  yaml: string,
  options: { env?: Record<string, string>; files?: Record<string, string> } = {},
): Promise<TestRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'petal-rt-'))
  const configPath = join(dir, 'petal.yaml')
  writeFileSync(configPath, yaml)
  for (const [f, text] of Object.entries(options.files ?? {})) writeFileSync(join(dir, f), text)
  const config = loadConfig({ cwd: dir, env: { PETAL_LOG_TO_FILE: 'false', ...options.env }, httpPort: '0' })
  const { petals, issues } = await loadPetals(config)
  if (issues.length > 0) throw new ConfigError(issues)
  const sink = new Writable({ write: (_c, _e, done) => done() })
  const { log, ring } = createLogger({ level: 'debug', toFile: false, dir, maxBytes: 1e9, stdout: sink })
  const fatal: unknown[] = []
  const runtime = await startRuntime(config, petals, {
    log,
    logRing: ring,
    version: '9.9.9',
    onFatal: (e) => fatal.push(e),
  })
  const hub = new InspectionHub(runtime.system, async () => ({ tree: runtime.system.describe() }), ring)
  const app = await buildServer(runtime.host, hub)
  await app.ready()
  return {
    dir,
    configPath,
    runtime,
    app,
    fatal,
    stop: async () => {
      hub.close()
      await app.close()
      await runtime.stop()
    },
  }
}
