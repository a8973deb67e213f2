/**
 * `npm run chaos` flags (issue 7): `--help` prints the usage and exits 0; a bad flag exits 2 with a
 * message naming what was expected, before any server starts.
 */
import { spawnSync } from 'node:child_process'
import { expect, it } from 'vitest'

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/chaos/run.ts', ...args], { encoding: 'utf8' })

it('--help prints the usage and exits 0', () => {
  const r = run('--help')
  expect(r.status).toBe(0)
  expect(r.stdout).toContain('usage: npm run chaos -- [--duration S] [--seed N]')
})

it.each([
  [['--duration', '5'], '--duration: expected at least 20 seconds, got 5'],
  [['--seed', 'x'], "--seed: expected an integer in 0..2147483648, got 'x'"],
  [['--only', '1,a'], "--only: expected an integer in 0..100000, got 'a'"],
  [['--bogus'], "Unknown option '--bogus'"],
])('%j exits 2 naming what was expected', (args, message) => {
  const r = run(...args)
  expect(r.status).toBe(2)
  expect(r.stderr).toContain(message)
})
