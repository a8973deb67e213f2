/**
 * Resolves the whole configuration before anything starts: the YAML file (`--config`, else
 * `petal.yaml`, else the original's `proxies.yaml`, in the working directory), the `.env` file
 * (`--env-file`, else `.env` beside the config file, else in the working directory; real
 * environment variables win over it), and the CLI overrides. Every problem is collected into one
 * `ConfigError`; nothing is half-applied. A relative petal path resolves against the config file's
 * directory. With `--sim` and no config file, the embedded demo config is used.
 */
import { dirname, resolve } from 'node:path'
import { isProxyName, type ProxyContext, type ProxyName } from '../../actors/ProxyKind.ts'
import { readMachineId } from '../identity/machineId.ts'
import type { BackoffOptions, FaultPlan, Logger } from '../kernel/index.ts'
import { shippedPetalNames } from '../petal/shipped.ts'
import { proxyKinds } from '../proxies/catalog.ts'
import { ConfigError, type ConfigIssue } from './ConfigError.ts'
import { findConfig, findEnvFile, mergeEnv, readYaml } from './configSources.ts'
import { KNOWN_ENV_NAMES, LogLevel, type PinoLevel, RuntimeEnv } from './envSchema.ts'
import { parseFaultsEnv } from './faultsEnv.ts'
import { type BudgetInput, FileConfig } from './fileSchema.ts'
import { decodeWith } from './schemaIssues.ts'

/** How to find and override the configuration. */
export interface LoadConfigOptions {
  readonly configPath?: string
  readonly envFile?: string
  readonly sim?: boolean
  readonly httpPort?: string
  readonly logLevel?: string
  readonly cwd?: string
  /** The process environment (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly log?: Logger
}

/** A restart budget with defaults applied. */
export interface Budget {
  readonly intensity: number
  readonly periodMs: number
  readonly backoff: BackoffOptions
  readonly shutdownMs: number
}

/** The resolved configuration the host runs from. */
export interface RuntimeConfig {
  readonly configPath: string | null
  readonly configDir: string
  readonly envFile: string | null
  readonly sim: boolean
  readonly env: Readonly<Record<string, string | undefined>>
  /** `PETAL_MACHINE_ID`, else `/etc/machine-id`. */
  readonly machineId: string | undefined
  readonly logLevel: PinoLevel
  readonly logToFile: boolean
  readonly logDir: string
  readonly logMaxBytes: number
  readonly httpHost: string
  readonly httpPort: number
  readonly apiToken: string | undefined
  readonly shutdownTimeoutMs: number
  readonly healthIntervalMs: number
  readonly enabledProxies: readonly ProxyName[]
  readonly proxyOptions: ReadonlyMap<ProxyName, unknown>
  readonly startupPetals: readonly string[]
  readonly enabledPetals: readonly string[]
  readonly petalSources: Readonly<Record<string, string>>
  readonly petalDependencies: Readonly<Record<string, readonly string[]>>
  readonly proxyDependencies: Readonly<Record<string, readonly string[]>>
  readonly supervision: {
    readonly root: Budget
    readonly proxies: Budget
    readonly petals: Budget
    readonly byPetal: Readonly<Record<string, Budget>>
  }
  readonly petalSettings: Readonly<Record<string, unknown>>
  /** CORS allow-list (`*` allows any origin). */
  readonly allowedOrigins: readonly string[]
  /** `PETAL_FAULTS`: the fault points to arm (chaos runs only), or undefined. */
  readonly faults: FaultPlan | undefined
  readonly warnings: readonly string[]
}

/** CORS default: the original's `config.json` origins, without its `*`. */
export const DEFAULT_ALLOWED_ORIGINS = [
  'http://localhost',
  'http://localhost:80',
  'http://localhost:4200',
  'http://localhost:9000',
  'http://127.0.0.1',
  'http://127.0.0.1:80',
  'http://127.0.0.1:4200',
  'http://127.0.0.1:9000',
]

/** Budget defaults: the root gives up after 3 restarts a minute; a petal after 5 a minute. */
export const DEFAULT_BUDGETS = {
  root: {
    intensity: 3,
    periodMs: 60_000,
    backoff: { minMs: 500, maxMs: 5_000, jitter: 0.2 },
    shutdownMs: Number.POSITIVE_INFINITY,
  },
  proxies: {
    intensity: 10,
    periodMs: 60_000,
    backoff: { minMs: 200, maxMs: 10_000, jitter: 0.2 },
    shutdownMs: 5_000,
  },
  petals: {
    intensity: 5,
    periodMs: 60_000,
    backoff: { minMs: 100, maxMs: 10_000, jitter: 0.2 },
    shutdownMs: 5_000,
  },
} as const satisfies Record<string, Budget>

/** The config `petal start --sim` uses when no file is given. */
export const SIM_CONFIG: FileConfig = {
  enabled_proxies: ['mqtt', 'ext_mavlink'],
  enabled_petals: ['petal-example', 'petal-system-control', 'petal-parameter-config', 'petal-telemetry'],
  startup_petals: [] as string[],
}

/**
 * Reads, validates and resolves the configuration; throws `ConfigError` listing every problem.
 *
 * @category config
 */
export function loadConfig(options: LoadConfigOptions = {}): RuntimeConfig {
  const cwd = options.cwd ?? process.cwd()
  const sim = options.sim ?? false
  const issues: ConfigIssue[] = []
  const warnings: string[] = []

  const configPath = findConfig(options.configPath, cwd, issues)
  const configDir = configPath === null ? cwd : dirname(configPath)
  const envFile = findEnvFile(options.envFile, configDir, cwd, issues)
  const env = mergeEnv(envFile, options.env ?? process.env, issues)

  const envSource = envFile === null ? 'env' : `env (${envFile})`
  const runtime = decodeWith(RuntimeEnv, env, envSource, {
    allowExcess: true,
  })
  if ('issues' in runtime) issues.push(...runtime.issues)
  const faults = parseFaultsEnv(env.PETAL_FAULTS, envSource, issues)
  const cliLevel = options.logLevel === undefined ? undefined : decodeWith(LogLevel, options.logLevel, 'cli')
  if (cliLevel !== undefined && 'issues' in cliLevel) {
    issues.push(...cliLevel.issues.map((i) => ({ ...i, key: '--log-level' })))
  }
  const cliPort = options.httpPort === undefined ? undefined : parsePort(options.httpPort, issues)
  for (const name of Object.keys(env)) {
    if (name.startsWith('PETAL_') && !KNOWN_ENV_NAMES.has(name))
      warnings.push(`unknown variable ${name} (ignored)`)
  }

  let file: FileConfig = sim && configPath === null ? SIM_CONFIG : {}
  if (configPath !== null) {
    const parsed = readYaml(configPath, issues)
    if (parsed !== undefined) {
      const decoded = decodeWith(FileConfig, parsed, configPath)
      if ('issues' in decoded) issues.push(...decoded.issues)
      else file = decoded.value
    }
  }
  const source = configPath ?? 'config'

  const enabledProxies = checkProxies(file.enabled_proxies ?? [], source, 'enabled_proxies', issues, warnings)
  const proxyDependencies = file.proxy_dependencies ?? {}
  checkProxyGraph(enabledProxies, proxyDependencies, source, issues)
  const petalDependencies = file.petal_dependencies ?? {}

  const startupPetals = unique(file.startup_petals ?? [], 'startup_petals', warnings)
  const enabledPetals = unique(file.enabled_petals ?? [], 'enabled_petals', warnings).filter(
    (p) => !startupPetals.includes(p),
  )
  const petalSources = file.petals ?? {}
  const shipped = shippedPetalNames()
  for (const [key, list] of [
    ['startup_petals', startupPetals],
    ['enabled_petals', enabledPetals],
  ] as const) {
    for (const name of list) {
      if (petalSources[name] === undefined && !shipped.includes(name)) {
        issues.push({
          source,
          key: `${key}: ${name}`,
          expected: `a 'petals:' entry (a file path or package:export) or a shipped petal (${shipped.join(', ') || 'none'})`,
          found: 'neither',
        })
      }
    }
  }

  const machine = readMachineId(env)
  const ctx: ProxyContext = { env, configDir, sim, machineId: machine.id, log: options.log ?? silent }
  const proxyOptions = new Map<ProxyName, unknown>()
  for (const name of enabledProxies) {
    const kind = proxyKinds[name]
    if (kind === undefined) continue
    const r = kind.parseOptions(ctx)
    if ('issues' in r) issues.push(...r.issues.map((i) => ({ source: envSource, ...i })))
    else proxyOptions.set(name, r.options)
  }

  const sup = file.supervision ?? {}
  const byPetal: Record<string, Budget> = {}
  const petalsBudget = budget(sup.petals, DEFAULT_BUDGETS.petals)
  for (const [name, b] of Object.entries(sup.by_petal ?? {})) byPetal[name] = budget(b, petalsBudget)
  const rootBudget = budget(sup.root, DEFAULT_BUDGETS.root)
  const proxiesBudget = budget(sup.proxies, DEFAULT_BUDGETS.proxies)
  const budgets: [string, Budget][] = [
    ['supervision.root', rootBudget],
    ['supervision.proxies', proxiesBudget],
    ['supervision.petals', petalsBudget],
    ...Object.entries(byPetal).map(([n, b]): [string, Budget] => [`supervision.by_petal.${n}`, b]),
  ]
  for (const [key, b] of budgets) {
    if ((b.backoff.maxMs ?? 0) < (b.backoff.minMs ?? 0)) {
      issues.push({
        source,
        key: `${key}.backoff`,
        expected: 'max_ms >= min_ms',
        found: `min_ms ${b.backoff.minMs}, max_ms ${b.backoff.maxMs}`,
      })
    }
  }

  if (
    'value' in runtime &&
    !isLoopback(runtime.value.PETAL_HTTP_HOST) &&
    runtime.value.PETAL_API_TOKEN === undefined
  ) {
    issues.push({
      source: 'env',
      key: 'PETAL_API_TOKEN',
      expected: `a bearer token, since PETAL_HTTP_HOST ${runtime.value.PETAL_HTTP_HOST} is not loopback`,
      found: 'nothing',
    })
  }
  if (issues.length > 0) throw new ConfigError(issues)
  const r = (runtime as { value: RuntimeEnv }).value
  return {
    configPath,
    configDir,
    envFile,
    sim,
    env,
    machineId: machine.id,
    logLevel: cliLevel !== undefined && 'value' in cliLevel ? cliLevel.value : r.PETAL_LOG_LEVEL,
    logToFile: r.PETAL_LOG_TO_FILE,
    logDir: resolve(configDir, r.PETAL_LOG_DIR),
    logMaxBytes: r.PETAL_LOG_MAX_BYTES,
    httpHost: r.PETAL_HTTP_HOST,
    httpPort: cliPort ?? r.PETAL_HTTP_PORT,
    apiToken: r.PETAL_API_TOKEN,
    shutdownTimeoutMs: r.PETAL_SHUTDOWN_TIMEOUT_MS,
    healthIntervalMs: r.PETAL_REDIS_HEALTH_MESSAGE_RATE * 1000,
    enabledProxies: orderByDependencies(enabledProxies, proxyDependencies),
    proxyOptions,
    startupPetals,
    enabledPetals,
    petalSources,
    petalDependencies,
    proxyDependencies,
    supervision: {
      root: rootBudget,
      proxies: proxiesBudget,
      petals: petalsBudget,
      byPetal,
    },
    petalSettings: file.petal_settings ?? {},
    allowedOrigins: file.allowed_origins ?? DEFAULT_ALLOWED_ORIGINS,
    faults,
    warnings,
  }
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} }

function parsePort(text: string, issues: ConfigIssue[]): number | undefined {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    issues.push({
      source: 'cli',
      key: '--http-port',
      expected: 'an integer port 0..65535 (0 picks a free port)',
      found: JSON.stringify(text),
    })
    return undefined
  }
  return n
}

/** Names are valid (the schema checked them); each must also be implemented by this build. */
function checkProxies(
  names: readonly ProxyName[],
  source: string,
  key: string,
  issues: ConfigIssue[],
  warnings: string[],
): ProxyName[] {
  for (const name of names) {
    if (proxyKinds[name] === undefined) {
      const available = Object.keys(proxyKinds)
      issues.push({
        source,
        key,
        expected: `a proxy this build implements (${available.length > 0 ? available.join(', ') : 'none yet'})`,
        found: `'${name}', which is not implemented yet`,
      })
    }
  }
  return unique(names, key, warnings).filter(isProxyName)
}

function unique(names: readonly string[], key: string, warnings: string[]): string[] {
  const out: string[] = []
  for (const n of names) {
    if (out.includes(n)) warnings.push(`${key}: '${n}' listed twice (once is enough)`)
    else out.push(n)
  }
  return out
}

/** Every dependency of an enabled proxy must be enabled too, and the graph must have no cycle. */
function checkProxyGraph(
  enabled: readonly ProxyName[],
  deps: Readonly<Record<string, readonly string[]>>,
  source: string,
  issues: ConfigIssue[],
): void {
  for (const name of enabled) {
    const missing = (deps[name] ?? []).filter((d) => !enabled.includes(d as ProxyName))
    if (missing.length > 0) {
      issues.push({
        source,
        key: `proxy_dependencies.${name}`,
        expected: `${missing.join(', ')} in enabled_proxies too (${name} depends on it)`,
        found: 'it turned off',
      })
    }
  }
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (n: string, trail: string[]): void => {
    if (state.get(n) === 'done') return
    if (state.get(n) === 'visiting') {
      issues.push({
        source,
        key: 'proxy_dependencies',
        expected: 'no dependency cycle',
        found: [...trail, n].join(' -> '),
      })
      return
    }
    state.set(n, 'visiting')
    for (const d of deps[n] ?? []) visit(d, [...trail, n])
    state.set(n, 'done')
  }
  for (const n of Object.keys(deps)) visit(n, [])
}

/** Orders proxies so each comes after what it depends on; ties keep the listed order. */
function orderByDependencies(
  names: readonly ProxyName[],
  deps: Readonly<Record<string, readonly string[]>>,
): ProxyName[] {
  const out: ProxyName[] = []
  const visiting = new Set<string>()
  const visit = (n: ProxyName): void => {
    if (out.includes(n) || visiting.has(n)) return
    visiting.add(n)
    for (const d of deps[n] ?? []) if (names.includes(d as ProxyName)) visit(d as ProxyName)
    visiting.delete(n)
    out.push(n)
  }
  for (const n of names) visit(n)
  return out
}

function budget(input: BudgetInput | undefined, base: Budget): Budget {
  return {
    intensity: input?.intensity ?? base.intensity,
    periodMs: input?.period_ms ?? base.periodMs,
    shutdownMs: input?.shutdown_ms ?? base.shutdownMs,
    backoff: {
      minMs: input?.backoff?.min_ms ?? base.backoff.minMs,
      maxMs: input?.backoff?.max_ms ?? base.backoff.maxMs,
      jitter: input?.backoff?.jitter ?? base.backoff.jitter,
      ...(input?.backoff?.reset_after_ms === undefined ? {} : { resetAfterMs: input.backoff.reset_after_ms }),
    },
  }
}
