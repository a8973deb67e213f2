/**
 * Where the configuration comes from: finding the YAML config and `.env` files (an explicit CLI
 * path must exist; otherwise the usual names are searched, and none is fine), merging `.env` under
 * the real environment, and reading the YAML file. Every problem becomes a `ConfigIssue` naming
 * the file (and line) at fault; nothing throws.
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { parseDocument } from 'yaml'
import { type ConfigIssue, shown } from './ConfigError.ts'

/**
 * The YAML config file: `explicit` (`--config`, which must exist), else the first of `petal.yaml`,
 * `petal.yml`, `proxies.yaml` in `cwd`; `null` when there is none.
 */
export function findConfig(explicit: string | undefined, cwd: string, issues: ConfigIssue[]): string | null {
  if (explicit !== undefined) return existingFile(explicit, cwd, '--config', 'an existing YAML file', issues)
  for (const name of ['petal.yaml', 'petal.yml', 'proxies.yaml']) {
    const path = resolve(cwd, name)
    if (existsSync(path)) return path
  }
  return null
}

/**
 * The `.env` file: `explicit` (`--env-file`, which must exist), else `.env` in `configDir`, else in
 * `cwd`; `null` when there is none.
 */
export function findEnvFile(
  explicit: string | undefined,
  configDir: string,
  cwd: string,
  issues: ConfigIssue[],
): string | null {
  if (explicit !== undefined)
    return existingFile(explicit, cwd, '--env-file', 'an existing .env file', issues)
  for (const dir of [configDir, cwd]) {
    const path = resolve(dir, '.env')
    if (existsSync(path)) return path
  }
  return null
}

/** A file named by a CLI flag, resolved against `cwd`; a missing one is an issue of `flag`. */
function existingFile(
  explicit: string,
  cwd: string,
  flag: string,
  expected: string,
  issues: ConfigIssue[],
): string | null {
  const path = resolve(cwd, explicit)
  if (existsSync(path)) return path
  issues.push({ source: 'cli', key: flag, expected, found: JSON.stringify(path) })
  return null
}

/** The process environment over the `.env` file's variables (real variables win). */
export function mergeEnv(
  envFile: string | null,
  processEnv: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
): Record<string, string | undefined> {
  if (envFile === null) return { ...processEnv }
  try {
    const fromFile = parseEnv(readFileSync(envFile, 'utf8')) as Record<string, string>
    return { ...fromFile, ...processEnv }
  } catch (e) {
    issues.push({ source: envFile, key: '(file)', expected: 'a readable .env file', found: String(e) })
    return { ...processEnv }
  }
}

/** The YAML file's top-level mapping (`{}` for an empty file); `undefined` after an issue. */
export function readYaml(path: string, issues: ConfigIssue[]): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    issues.push({ source: path, key: '(file)', expected: 'a readable file', found: String(e) })
    return undefined
  }
  const doc = parseDocument(text)
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const at = err.linePos?.[0]
      issues.push({
        source: at === undefined ? path : `${path}:${at.line}:${at.col}`,
        key: '(yaml)',
        expected: 'valid YAML',
        found: err.message.split('\n')[0]!,
      })
    }
    return undefined
  }
  const value = doc.toJS() as unknown
  if (value === null || value === undefined) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({
      source: path,
      key: '(top level)',
      expected: 'a mapping of config keys',
      found: shown(value),
    })
    return undefined
  }
  return value
}
