/**
 * Loading petals from the config (runtime/petal/loadPetals.ts): the forms of a `petals:` entry,
 * shipped petals by name, startup petals first, dependencies checked with the original's message,
 * and what makes a petal a config error (issue #2).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../runtime/config/loadConfig.ts'
import { loadPetals } from '../../runtime/petal/loadPetals.ts'

const sdk = join(process.cwd(), 'runtime/index.ts')

function petalFile(name: string, extra = '', exportLine = 'export default'): string {
  return `import { definePetal } from ${JSON.stringify(sdk)}\n${exportLine} definePetal({ name: '${name}', version: '1.0.0', init: () => null, ${extra} })\n`
}

async function load(yaml: string, files: Record<string, string> = {}) {
  const d = mkdtempSync(join(tmpdir(), 'petal-load-'))
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(d, f, '..'), { recursive: true })
    writeFileSync(join(d, f), text)
  }
  writeFileSync(join(d, 'petal.yaml'), yaml)
  return loadPetals(loadConfig({ cwd: d, env: {} }))
}

describe('loadPetals', () => {
  it('loads a path, a path with a named export, and a shipped petal by name; startup petals first', async () => {
    const { petals, issues } = await load(
      [
        'startup_petals: [petal-named]',
        'enabled_petals: [petal-example, petal-plain]',
        'petals:',
        '  petal-plain: ./petals/plain.mts',
        '  petal-named: ./petals/named.mts:thePetal',
        '',
      ].join('\n'),
      {
        'petals/plain.mts': petalFile('petal-plain'),
        'petals/named.mts': petalFile('petal-named', '', 'export const thePetal ='),
      },
    )
    expect(issues).toEqual([])
    expect(petals.map((p) => [p.name, p.startup, p.source])).toEqual([
      ['petal-named', true, './petals/named.mts:thePetal'],
      ['petal-example', false, 'shipped'],
      ['petal-plain', false, './petals/plain.mts'],
    ])
  })

  it("a petal whose proxies are turned off is not loaded and says why, in the original's words", async () => {
    const { petals, issues } = await load(
      'enabled_petals: [petal-needy, petal-example]\npetals:\n  petal-needy: ./needy.mts\n',
      { 'needy.mts': petalFile('petal-needy', "requires: ['redis', 'mqtt'],") },
    )
    expect(issues).toEqual([])
    expect(petals.find((p) => p.name === 'petal-needy')?.notLoaded).toBe(
      'Cannot load petal-needy because it requires redis, mqtt, which are turned off',
    )
    expect(petals.find((p) => p.name === 'petal-example')?.notLoaded).toBeUndefined()
  })

  it('petal_dependencies, where present, replaces the petal’s own requires', async () => {
    const { petals } = await load(
      'enabled_petals: [petal-needy]\npetals:\n  petal-needy: ./needy.mts\npetal_dependencies:\n  petal-needy: []\n',
      { 'needy.mts': petalFile('petal-needy', "requires: ['redis'],") },
    )
    expect(petals[0]!.notLoaded).toBeUndefined()
    expect(petals[0]!.dependencies).toEqual([])
  })

  it('a missing export, a module that is not a petal, a name mismatch: config errors naming the entry', async () => {
    const { issues } = await load(
      [
        'enabled_petals: [petal-a, petal-b, petal-c]',
        'petals:',
        '  petal-a: ./a.mts:nope',
        '  petal-b: ./b.mts',
        '  petal-c: ./c.mts',
        '',
      ].join('\n'),
      {
        'a.mts': petalFile('petal-a'),
        'b.mts': 'export default { name: 42 }\n',
        'c.mts': petalFile('petal-other'),
      },
    )
    expect(issues.map((i) => [i.key, i.found])).toEqual([
      ['petals.petal-a', "the module has no export 'nope' (exports: default)"],
      [
        'petals.petal-b',
        "name: expected 'petal-<kebab-case>', found 42; version: expected a non-empty string, found undefined",
      ],
      ['petals.petal-c', "name 'petal-other'"],
    ])
  })

  it('an on entry whose source no declared proxy serves, and a cpuHeavy worker module that is missing, are config errors', async () => {
    const { issues } = await load('enabled_petals: [petal-x]\npetals:\n  petal-x: ./x.mts\n', {
      'x.mts': petalFile(
        'petal-x',
        "on: { 'mavlink:HEARTBEAT': (p, s) => s }, mqtt: { heavy: { cpuHeavy: true, worker: './w.mjs' } },",
      ),
    })
    expect(issues.map((i) => i.key)).toEqual([
      'petals.petal-x mqtt.heavy.worker',
      "petals.petal-x on['mavlink:HEARTBEAT']",
    ])
  })
})
