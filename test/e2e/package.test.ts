/**
 * A petal living in its own folder, with `petal-runtime` as a dependency (a copy of the built
 * package with its dependencies beside it, as `npm install` of a tarball leaves it: a second copy
 * of the module, not the runtime's own), loads by path and by `package:export` (issue #2).
 */
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtimeProcess.ts'

let proc: RuntimeProcess | undefined
afterEach(() => {
  if (proc?.child.exitCode === null) proc.child.kill('SIGKILL')
})

function petalSource(name: string, exportName: string): string {
  return [
    "import { definePetal } from 'petal-runtime'",
    `export ${exportName === 'default' ? 'default' : `const ${exportName} =`} definePetal({`,
    `  name: '${name}',`,
    "  version: '2.0.0',",
    '  init: () => ({ calls: 0 }),',
    "  http: { 'GET /hello': (req, state, ctx) => { ctx.setState({ calls: state.calls + 1 }); return { hello: ctx.name, calls: state.calls + 1 } } },",
    '})',
    '',
  ].join('\n')
}

describe('petals outside the runtime', () => {
  it('load from a folder of their own and from a package export, against a copy of petal-runtime', async () => {
    const d = mkdtempSync(join(tmpdir(), 'petal-pkg-'))
    const runtimeCopy = join(d, 'node_modules', 'petal-runtime')
    mkdirSync(runtimeCopy, { recursive: true })
    cpSync(join(process.cwd(), 'package.json'), join(runtimeCopy, 'package.json'))
    cpSync(join(process.cwd(), 'dist'), join(runtimeCopy, 'dist'), { recursive: true })
    // its own dependencies, as npm would have installed them beside it
    symlinkSync(join(process.cwd(), 'node_modules'), join(runtimeCopy, 'node_modules'), 'dir')

    mkdirSync(join(d, 'my-petal'))
    writeFileSync(
      join(d, 'my-petal', 'package.json'),
      JSON.stringify({ type: 'module', dependencies: { 'petal-runtime': '*' } }),
    )
    writeFileSync(join(d, 'my-petal', 'index.js'), petalSource('petal-outside', 'default'))

    const pkg = join(d, 'node_modules', 'petal-packaged')
    mkdirSync(pkg, { recursive: true })
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({
        name: 'petal-packaged',
        type: 'module',
        exports: { '.': { import: './lib/main.js' } },
      }),
    )
    mkdirSync(join(pkg, 'lib'))
    writeFileSync(join(pkg, 'lib', 'main.js'), petalSource('petal-packaged', 'myPetal'))

    writeFileSync(
      join(d, 'petal.yaml'),
      'enabled_petals: [petal-outside, petal-packaged]\npetals:\n  petal-outside: ./my-petal/index.js\n  petal-packaged: petal-packaged:myPetal\n',
    )
    proc = startRuntimeProcess(['start', '--http-port', '0'], { cwd: d })
    const url = await proc.ready
    for (const name of ['petal-outside', 'petal-packaged']) {
      const r = await fetch(`${url}/petals/${name}/hello`)
      expect(await r.json()).toEqual({ hello: name, calls: 1 })
    }
    proc.child.kill('SIGTERM')
    expect((await proc.exited).code).toBe(0)
  })
})
