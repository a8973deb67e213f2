/**
 * Before any suite: make sure the built CLI (`dist/`) is not older than the sources, since the
 * end-to-end suites run it. `npm test` has just built; a bare `vitest` run builds here if needed.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

function newest(dir: string): number {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) t = Math.max(t, newest(p))
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs)
  }
  return t
}

export default function setup(): void {
  const built = join('dist', 'runtime', 'cli', 'main.js')
  const sources = Math.max(...['runtime', 'actors', 'machines', 'petals'].filter(existsSync).map(newest))
  if (!existsSync(built) || statSync(built).mtimeMs < sources) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
  }
}
