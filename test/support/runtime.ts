/**
 * The whole runtime in the test process: a temp directory with a `petal.yaml` (and whatever files
 * the test adds), the config loaded with the given variables (HTTP on a free loopback port), the
 * petals loaded and the tree started. Logs are kept in memory for assertions.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../runtime/config/loadConfig.ts'
import { type RuntimeHandle, startRuntime } from '../../runtime/host/startRuntime.ts'
import type { Logger } from '../../runtime/kernel/index.ts'
import { loadPetals } from '../../runtime/petal/loadPetals.ts'

/** A runtime started by a test. */
export interface TestRuntime {
  readonly handle: RuntimeHandle
  readonly dir: string
  readonly logs: { level: string; fields: object; message: string }[]
  /** A proxy's health, as `/health/detailed` reads it. */
  proxyHealth(name: string): Promise<Record<string, unknown>>
  stop(): Promise<void>
}

/** A logger keeping every line in `logs`. */
export function memoryLogger(logs: TestRuntime['logs']): Logger {
  const at = (level: string) => (fields: object, message: string) => {
    logs.push({ level, fields, message })
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** Starts the runtime from `yaml` and `env` in a fresh temp directory. */
export async function startTestRuntime(o: {
  readonly yaml: string
  readonly env: Readonly<Record<string, string>>
  readonly files?: Readonly<Record<string, string>>
}): Promise<TestRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'petal-rt-'))
  writeFileSync(join(dir, 'petal.yaml'), o.yaml)
  for (const [name, text] of Object.entries(o.files ?? {})) writeFileSync(join(dir, name), text)
  const logs: TestRuntime['logs'] = []
  const log = memoryLogger(logs)
  const config = loadConfig({
    cwd: dir,
    env: { PETAL_LOG_TO_FILE: 'false', ...o.env },
    httpPort: '0',
    log,
  })
  const { petals, issues } = await loadPetals(config)
  if (issues.length > 0) throw new Error(`petal issues: ${JSON.stringify(issues)}`)
  const handle = await startRuntime(config, petals, {
    log,
    version: '0.0.0-test',
    onFatal: (e) => logs.push({ level: 'fatal', fields: {}, message: String(e) }),
  })
  const proxyHealth = async (name: string): Promise<Record<string, unknown>> => {
    const entry = handle.host.proxyEntries().get(name as never)
    if (entry === undefined) throw new Error(`proxy ${name} is not enabled`)
    return (await entry.kind.health(entry.ref)) as Record<string, unknown>
  }
  return { handle, dir, logs, proxyHealth, stop: () => handle.stop() }
}
