/**
 * Finds, imports and checks the petals the config names, before anything starts. A `petals:` entry
 * is a file path (`./petals/x.js`, relative to the config file, optionally `:export`) or
 * `package[:export]` (resolved from the config file's directory); the export defaults to
 * `default`. A petal with no entry loads by name from the shipped petals. A module that does not
 * load, a definition that is invalid, or a `name` that differs from its config key is a config
 * error. A petal whose proxies are turned off is not loaded and says why (the original's message);
 * the others start. Dependencies come from `petal_dependencies`, or the petal's `requires` where
 * the config has no entry.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ProxyName } from '../../actors/ProxyKind.ts'
import type { ConfigIssue } from '../config/ConfigError.ts'
import type { RuntimeConfig } from '../config/loadConfig.ts'
import { describeError } from '../kernel/index.ts'
import { proxyKinds } from '../proxies/catalog.ts'
import { petalDir, resolveWorker } from '../workers/workerPool.ts'
import { type Petal, petalProblems } from './definePetal.ts'
import { shippedPetalPath } from './shipped.ts'

/** A petal the host will run (or report as not loaded). */
export interface LoadedPetal {
  readonly name: string
  readonly petal: Petal
  /** Where it came from: a file, `package:export`, or `shipped`. */
  readonly source: string
  /** The module file it was loaded from (worker specs resolve against its directory). */
  readonly file: string
  readonly startup: boolean
  readonly dependencies: readonly string[]
  /** Why it is not loaded (a dependency turned off); undefined when it runs. */
  readonly notLoaded: string | undefined
}

/** Loads every petal of `startup_petals` then `enabled_petals`; issues are config errors. */
export async function loadPetals(
  config: RuntimeConfig,
): Promise<{ petals: LoadedPetal[]; issues: ConfigIssue[] }> {
  const issues: ConfigIssue[] = []
  const petals: LoadedPetal[] = []
  const source = config.configPath ?? 'config'
  const names = [
    ...config.startupPetals.map((n) => [n, true] as const),
    ...config.enabledPetals.map((n) => [n, false] as const),
  ]
  for (const [name, startup] of names) {
    const spec = config.petalSources[name]
    const key = spec === undefined ? `enabled_petals: ${name}` : `petals.${name}`
    let petal: Petal
    let file = ''
    try {
      const target =
        spec === undefined
          ? { file: shippedPetalPath(name), exportName: 'default' }
          : resolveSpec(spec, config.configDir)
      file = target.file
      const mod = (await import(pathToFileURL(target.file).href)) as Record<string, unknown>
      const value = mod[target.exportName]
      if (value === undefined) {
        const exports = Object.keys(mod).join(', ') || 'none'
        throw new Error(`the module has no export '${target.exportName}' (exports: ${exports})`)
      }
      const problems = petalProblems(value)
      if (problems.length > 0) throw new Error(problems.join('; '))
      petal = value as Petal
    } catch (e) {
      issues.push({
        source,
        key,
        expected: 'a module exporting a petal made by definePetal',
        found: describeError(e),
      })
      continue
    }
    if (petal.name !== name) {
      issues.push({
        source,
        key,
        expected: `a petal named '${name}' (its config key)`,
        found: `name '${petal.name}'`,
      })
      continue
    }
    issues.push(...handlerIssues(petal, source, key, file))
    const dependencies = config.petalDependencies[name] ?? petal.requires ?? []
    const off = dependencies.filter((d) => !config.enabledProxies.includes(d as ProxyName))
    petals.push({
      name,
      petal,
      source: spec ?? 'shipped',
      file,
      startup,
      dependencies,
      notLoaded:
        off.length === 0
          ? undefined
          : `Cannot load ${name} because it requires ${off.join(', ')}, which ${off.length === 1 ? 'is' : 'are'} turned off`,
    })
  }
  return { petals, issues }
}

function handlerIssues(petal: Petal, source: string, key: string, file: string): ConfigIssue[] {
  const out: ConfigIssue[] = []
  for (const [cmd, h] of Object.entries(petal.mqtt ?? {})) {
    if (typeof h === 'object' && h.cpuHeavy) {
      try {
        resolveWorker(h.worker!, petalDir(file))
      } catch (e) {
        out.push({
          source,
          key: `${key} mqtt.${cmd}.worker`,
          expected: "a module file beside the petal, e.g. './heavy.js#export'",
          found: describeError(e),
        })
      }
    }
  }
  const declared = new Set<string>([...(petal.requires ?? []), ...(petal.optional ?? [])])
  for (const name of Object.keys(petal.on ?? {})) {
    const prefix = name.slice(0, name.indexOf(':'))
    const servedBy = Object.values(proxyKinds)
      .filter((k) => k.events?.prefix === prefix)
      .map((k) => k.name)
    if (!servedBy.some((p) => declared.has(p))) {
      out.push({
        source,
        key: `${key} on['${name}']`,
        expected: `an event source of a proxy the petal declares (${servedBy.length > 0 ? `'${prefix}' comes from ${servedBy.join(', ')}` : `no proxy of this build serves '${prefix}'`})`,
        found: `requires/optional: ${[...declared].join(', ') || 'none'}`,
      })
    }
  }
  return out
}

/** `./x.js[:export]`, `/abs/x.js[:export]`, or `package[:export]` to a file and an export name. */
export function resolveSpec(spec: string, configDir: string): { file: string; exportName: string } {
  const isPath = spec.startsWith('.') || isAbsolute(spec)
  const colon = spec.lastIndexOf(':')
  const hasExport = colon > 0 && !spec.slice(colon + 1).includes('/')
  const target = hasExport ? spec.slice(0, colon) : spec
  const exportName = hasExport ? spec.slice(colon + 1) : 'default'
  if (isPath) {
    const file = resolve(configDir, target)
    if (!existsSync(file)) throw new Error(`no file ${file}`)
    return { file, exportName }
  }
  return { file: resolvePackage(target, configDir), exportName }
}

/** Resolves an ESM or CJS package entry as seen from `dir` (the `import` condition first). */
function resolvePackage(pkg: string, dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    const manifest = join(d, 'node_modules', pkg, 'package.json')
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as {
        exports?: unknown
        module?: string
        main?: string
      }
      const entry = exportEntry(json.exports) ?? json.module ?? json.main ?? 'index.js'
      return join(dirname(manifest), entry)
    }
    if (dirname(d) === d) break
  }
  try {
    return createRequire(join(dir, 'noop.js')).resolve(pkg)
  } catch {
    throw new Error(`package '${pkg}' is not installed (looked in node_modules from ${dir} up)`)
  }
}

function exportEntry(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports
  if (typeof exports !== 'object' || exports === null) return undefined
  const root = (exports as Record<string, unknown>)['.'] ?? exports
  if (typeof root === 'string') return root
  if (typeof root !== 'object' || root === null) return undefined
  for (const cond of ['import', 'node', 'default', 'require']) {
    const v = (root as Record<string, unknown>)[cond]
    if (typeof v === 'string') return v
    if (typeof v === 'object' && v !== null) {
      const nested = exportEntry({ '.': v })
      if (nested !== undefined) return nested
    }
  }
  return undefined
}
