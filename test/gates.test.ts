/**
 * The quick gates as tests, so CI's count includes them: Biome lint and `tsc --noEmit` must pass.
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

function run(cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: process.cwd() })
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` }
}

describe('quick gates', () => {
  it('lint (biome check) passes', () => {
    const r = run('npx', ['biome', 'check', '.'])
    expect(r.status, r.out.slice(-4000)).toBe(0)
  })

  it('typecheck (tsc --noEmit, strict) passes', () => {
    const r = run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])
    expect(r.status, r.out.slice(-4000)).toBe(0)
  }, 120_000)
})
