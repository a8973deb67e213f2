/**
 * `petal start`: config (exit 78 when invalid, nothing started), logger, petals, process guards,
 * the tree, one `ready` log line; then SIGINT/SIGTERM stop the tree in reverse order and exit 0
 * (1 when `PETAL_SHUTDOWN_TIMEOUT_MS` passes first). When the root supervisor gives up, one
 * `fatal` line is logged and the process exits 70, so systemd (or any init) restarts it.
 */
import { ConfigError, EXIT_CONFIG, formatIssue } from '../config/ConfigError.ts'
import { loadConfig } from '../config/loadConfig.ts'
import { startRuntime } from '../host/startRuntime.ts'
import { describeError, installProcessGuards } from '../kernel/index.ts'
import { createLogger } from '../log/logger.ts'
import { loadPetals } from '../petal/loadPetals.ts'
import { packageVersion } from './version.ts'

/** Exit code when the root supervisor gives up (sysexits EX_SOFTWARE). */
export const EXIT_ROOT_GAVE_UP = 70

/** Flags of `petal start`. */
export interface StartFlags {
  readonly config?: string
  readonly envFile?: string
  readonly sim: boolean
  readonly httpPort?: string
  readonly logLevel?: string
  readonly seed?: string
  /** `--inspect [port]`: true for the default port. */
  readonly inspect?: string | true
}

/** Runs until stopped; resolves with the exit code (signals exit the process themselves). */
export async function runStart(flags: StartFlags): Promise<number> {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig({
      ...(flags.config === undefined ? {} : { configPath: flags.config }),
      ...(flags.envFile === undefined ? {} : { envFile: flags.envFile }),
      ...(flags.httpPort === undefined ? {} : { httpPort: flags.httpPort }),
      ...(flags.logLevel === undefined ? {} : { logLevel: flags.logLevel }),
      sim: flags.sim,
    })
  } catch (e) {
    return reportConfigError(e)
  }
  const { log, ring, close } = createLogger({
    level: config.logLevel,
    toFile: config.logToFile,
    dir: config.logDir,
    maxBytes: config.logMaxBytes,
  })
  for (const w of config.warnings) log.warn({}, w)
  const { petals, issues } = await loadPetals(config)
  if (issues.length > 0) {
    close()
    return reportConfigError(new ConfigError(issues))
  }
  installProcessGuards(log)
  // Kernel timers (backoff, time limits) are unref'd; this handle keeps the runtime alive while a
  // restart waits, even when nothing else (no server, no socket) is open.
  setInterval(() => {}, 1 << 30)
  const version = packageVersion()
  const seed = flags.seed === undefined ? undefined : Number(flags.seed)
  const runtime = await startRuntime(config, petals, {
    log,
    logRing: ring,
    version,
    ...(seed === undefined || !Number.isInteger(seed) ? {} : { seed }),
    onFatal: (e) => {
      log.fatal(
        { err: e },
        `root supervisor gave up (${describeError(e)}); exiting with code ${EXIT_ROOT_GAVE_UP} so the init system restarts the runtime`,
      )
      close()
      process.exit(EXIT_ROOT_GAVE_UP)
    },
  })
  const running = petals.filter((p) => p.notLoaded === undefined).map((p) => p.name)
  log.info(
    {
      event: 'ready',
      http: runtime.httpUrl,
      proxies: config.enabledProxies,
      petals: running,
      version,
      seed: runtime.system.seed,
    },
    `petal runtime ${version} ready on ${runtime.httpUrl} with ${config.enabledProxies.length} proxies and ${running.length} petals`,
  )

  if (flags.inspect !== undefined) {
    const port = flags.inspect === true ? 8080 : Number(flags.inspect)
    try {
      const { startStatelyRelay } = await import('../inspect/statelyRelay.ts')
      const relay = await startStatelyRelay(runtime.system, port)
      log.info(
        { inspect: relay.url },
        `Stately inspector relay on ${relay.url}: open it in a browser that can reach stately.ai`,
      )
    } catch (e) {
      log.error({ err: e }, `--inspect: the relay could not start on port ${port}: ${describeError(e)}`)
    }
  }

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info({ signal }, `${signal}: stopping the tree`)
    const budget = setTimeout(() => {
      log.error({}, `shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting anyway`)
      close()
      process.exit(1)
    }, config.shutdownTimeoutMs)
    runtime.stop().then(
      () => {
        clearTimeout(budget)
        log.info({}, 'stopped')
        close()
        process.exit(0)
      },
      (e: unknown) => {
        log.error({ err: e }, `stop failed: ${describeError(e)}`)
        close()
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  return new Promise<number>(() => {})
}

function reportConfigError(e: unknown): number {
  if (!(e instanceof ConfigError)) throw e
  for (const issue of e.issues) process.stderr.write(`petal: config error: ${formatIssue(issue)}\n`)
  process.stderr.write(`petal: invalid configuration; nothing was started (exit ${EXIT_CONFIG})\n`)
  return EXIT_CONFIG
}
