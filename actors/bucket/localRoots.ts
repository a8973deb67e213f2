/**
 * Local paths the bucket proxy may read (uploads) or write (downloads): only inside its configured
 * roots, checked after resolving `..` and symbolic links, so neither a `../` nor a link can reach
 * outside. A path to be written need not exist yet; its nearest existing parent is resolved.
 */
import { realpathSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve } from 'node:path'

/** The real path of `path` if it lies inside one of `roots`, else the reason it does not. */
export function insideRoots(path: unknown, roots: readonly string[]): { path: string } | { problem: string } {
  if (typeof path !== 'string' || path === '' || path.includes('\0'))
    return { problem: `expected a file path, found ${JSON.stringify(path)}` }
  const absolute = resolve(path)
  const real = realExisting(absolute)
  for (const root of roots) {
    const realRoot = realExisting(resolve(root))
    const rel = relative(realRoot, real)
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return { path: real }
  }
  return { problem: `Path not allowed: ${path} is outside the allowed roots (${roots.join(', ')})` }
}

/** realpath of the longest existing prefix of `p`, with the rest appended. */
function realExisting(p: string): string {
  let head = p
  const tail: string[] = []
  for (;;) {
    try {
      return resolve(realpathSync(head), ...tail.reverse())
    } catch {
      const up = dirname(head)
      if (up === head) return p
      tail.push(head.slice(up.length + (up.endsWith('/') ? 0 : 1)))
      head = up
    }
  }
}
