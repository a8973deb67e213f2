/** The package version, read from the nearest `package.json` named `petal-runtime`. */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

/** This package's version. */
export function packageVersion(): string {
  if (cached !== undefined) return cached
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const p = join(d, 'package.json')
    if (existsSync(p)) {
      const json = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string }
      if (json.name === 'petal-runtime') {
        cached = json.version ?? '0.0.0'
        return cached
      }
    }
    if (dirname(d) === d) return '0.0.0'
  }
}
