#!/usr/bin/env node
// `npm test`: works on a fresh Debian machine with Node 20. It installs what is missing (npm ci;
// the Debian packages the suites need, when run as root, else it prints the exact apt-get command
// and fails), builds, runs vitest (lint and typecheck run as tests too), and ends by printing
// `N passed, N failed` from vitest's JSON report. The suites start their own servers on free
// loopback ports and stop them by PID; nothing here depends on servers already running.
// Plain JavaScript on purpose: it must run before `npm ci` has installed anything.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const report = join(root, 'test-results', 'vitest.json')

function say(line) {
  process.stderr.write(`[npm test] ${line}\n`)
}

function run(cmd, args, opts = {}) {
  say(`$ ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts })
  return r.status ?? 1
}

function have(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0
}

// 1. Node version.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 20 || (major === 20 && minor < 19)) {
  say(`Node ${process.versions.node} is too old: this project needs Node >= 20.19`)
  process.exit(1)
}

// 2. npm dependencies.
const lock = join(root, 'package-lock.json')
const installed = join(root, 'node_modules', '.package-lock.json')
if (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs) {
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) {
    say('npm ci failed')
    process.exit(1)
  }
}

// 3. Debian packages the suites need: "<binary> <package>" per line.
const wanted = readFileSync(join(root, 'scripts', 'ci', 'debian-packages.txt'), 'utf8')
  .split('\n')
  .map((l) => l.replace(/#.*/, '').trim())
  .filter(Boolean)
  .map((l) => l.split(/\s+/))
const missing = wanted.filter(([bin]) => !have(bin)).map(([, pkg]) => pkg)
if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const install = `apt-get update && apt-get install -y --no-install-recommends ${[...new Set(missing)].join(' ')}`
  if (!isRoot) {
    say(`missing Debian packages: ${missing.join(', ')}. Install them with:\n  sudo sh -c '${install}'`)
    process.exit(1)
  }
  if (run('sh', ['-c', `DEBIAN_FRONTEND=noninteractive ${install}`]) !== 0) {
    say(`could not install ${missing.join(', ')}`)
    process.exit(1)
  }
}

// 4. Build (the end-to-end suites run the built CLI).
if (run('npm', ['run', '-s', 'build']) !== 0) {
  say('build failed')
  process.exit(1)
}

// 5. The suites.
mkdirSync(dirname(report), { recursive: true })
const status = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
])

// 6. The summary line, from vitest's JSON report.
if (!existsSync(report)) {
  say('vitest wrote no report')
  process.stdout.write('0 passed, 1 failed\n')
  process.exit(1)
}
const r = JSON.parse(readFileSync(report, 'utf8'))
const failed = r.numFailedTests + (status !== 0 && r.numFailedTests === 0 ? 1 : 0)
process.stdout.write(`${r.numPassedTests} passed, ${failed} failed\n`)
process.exit(status === 0 && failed === 0 ? 0 : 1)
