/**
 * Petals shipped with the runtime live in `petals/<name>/index` and load by name alone. They are
 * found on disk next to this module (source or built output), never imported statically, so the
 * host does not depend on them.
 */
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const petalsDir = fileURLToPath(new URL('../../petals/', import.meta.url))
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js'

/** Names of the shipped petals. */
export function shippedPetalNames(): string[] {
  if (!existsSync(petalsDir)) return []
  return readdirSync(petalsDir, { withFileTypes: true })
    .filter(
      (d) =>
        d.isDirectory() && d.name.startsWith('petal-') && existsSync(`${petalsDir}${d.name}/index.${ext}`),
    )
    .map((d) => d.name)
    .sort()
}

/** The module file of a shipped petal. */
export function shippedPetalPath(name: string): string {
  return `${petalsDir}${name}/index.${ext}`
}
