/**
 * `petal config check`: resolves the configuration exactly as `start` would (petal modules
 * included) and prints it as JSON on stdout, warnings on stderr; or prints every error, one per
 * line, and returns 78.
 */
import { ConfigError, EXIT_CONFIG, formatIssue } from '../config/ConfigError.ts'
import { loadConfig } from '../config/loadConfig.ts'
import { loadPetals } from '../petal/loadPetals.ts'

/** Runs the check; returns the exit code. */
export async function configCheck(opts: {
  config?: string
  envFile?: string
  sim: boolean
}): Promise<number> {
  try {
    const config = loadConfig({
      ...(opts.config === undefined ? {} : { configPath: opts.config }),
      ...(opts.envFile === undefined ? {} : { envFile: opts.envFile }),
      sim: opts.sim,
    })
    const { petals, issues } = await loadPetals(config)
    if (issues.length > 0) throw new ConfigError(issues)
    for (const w of config.warnings) process.stderr.write(`petal: warning: ${w}\n`)
    const { env: _env, proxyOptions, ...shown } = config
    const resolved = {
      ...shown,
      proxyOptions: Object.fromEntries(proxyOptions),
      petals: petals.map((p) => ({
        name: p.name,
        version: p.petal.version,
        source: p.source,
        startup: p.startup,
        dependencies: p.dependencies,
        ...(p.notLoaded === undefined ? {} : { notLoaded: p.notLoaded }),
      })),
    }
    process.stdout.write(`${JSON.stringify(resolved, replacer, 2)}\n`)
    return 0
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e
    for (const issue of e.issues) process.stderr.write(`petal: config error: ${formatIssue(issue)}\n`)
    return EXIT_CONFIG
  }
}

/** Prints Infinity readably and never prints a secret. */
function replacer(key: string, value: unknown): unknown {
  if (typeof value === 'string' && /password|secret|token|signing_?key|private/i.test(key)) return '***'
  return value === Number.POSITIVE_INFINITY ? 'Infinity' : value
}
