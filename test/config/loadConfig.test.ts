/**
 * Configuration (runtime/config/loadConfig.ts): where files are found, the original's keys and
 * PETAL_* names, and every kind of bad input reported with its key, expected form and found value
 * (issue #2).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, type ConfigIssue } from '../../runtime/config/ConfigError.ts'
import { DEFAULT_BUDGETS, loadConfig } from '../../runtime/config/loadConfig.ts'

function dir(files: Record<string, string> = {}): string {
  const d = mkdtempSync(join(tmpdir(), 'petal-config-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true })
    writeFileSync(join(d, name), text)
  }
  return d
}

function issuesOf(fn: () => unknown): ConfigIssue[] {
  try {
    fn()
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues]
    throw e
  }
  throw new Error('expected a ConfigError')
}

describe('finding the configuration', () => {
  it('with no file and no variables, every default applies', () => {
    const cwd = dir()
    const c = loadConfig({ cwd, env: {} })
    expect(c.configPath).toBeNull()
    expect(c).toMatchObject({
      httpHost: '127.0.0.1',
      httpPort: 9000,
      logLevel: 'info',
      logToFile: true,
      enabledProxies: [],
      enabledPetals: [],
      startupPetals: [],
    })
    expect(c.logDir).toBe(join(cwd, 'logs'))
    expect(c.supervision.petals).toEqual(DEFAULT_BUDGETS.petals)
  })

  it("prefers petal.yaml, and accepts the original's proxies.yaml", () => {
    const cwd = dir({ 'proxies.yaml': 'enabled_petals: [petal-example]\n' })
    expect(loadConfig({ cwd, env: {} }).configPath).toBe(join(cwd, 'proxies.yaml'))
    writeFileSync(join(cwd, 'petal.yaml'), 'enabled_petals: []\n')
    expect(loadConfig({ cwd, env: {} }).configPath).toBe(join(cwd, 'petal.yaml'))
  })

  it("reads every key of the original's proxies.yaml unchanged", () => {
    const cwd = dir({
      'proxies.yaml': [
        'enabled_petals: [petal-example]',
        'startup_petals: []',
        'enabled_proxies: []',
        'petals:',
        '  petal-example: ./petal.js',
        'petal_dependencies:',
        '  petal-example: []',
        '  petal-flight-log: [redis, cloud, mqtt, db]',
        'proxy_dependencies:',
        '  ftp_mavlink: [ext_mavlink]',
        '',
      ].join('\n'),
      'petal.js': 'export default {}',
    })
    const c = loadConfig({ cwd, env: {} })
    expect(c.petalSources).toEqual({ 'petal-example': './petal.js' })
    expect(c.petalDependencies['petal-flight-log']).toEqual(['redis', 'cloud', 'mqtt', 'db'])
    expect(c.proxyDependencies).toEqual({ ftp_mavlink: ['ext_mavlink'] })
  })

  it('reads .env beside the config file; real environment variables win over it', () => {
    const cwd = dir({ 'conf/petal.yaml': '', 'conf/.env': 'PETAL_HTTP_PORT=9100\nPETAL_LOG_LEVEL=DEBUG\n' })
    const c = loadConfig({ cwd, configPath: 'conf/petal.yaml', env: { PETAL_LOG_LEVEL: 'ERROR' } })
    expect(c.envFile).toBe(join(cwd, 'conf/.env'))
    expect(c.httpPort).toBe(9100)
    expect(c.logLevel).toBe('error')
  })

  it('CLI flags override variables', () => {
    const c = loadConfig({ cwd: dir(), env: { PETAL_HTTP_PORT: '9100' }, httpPort: '0', logLevel: 'WARNING' })
    expect(c.httpPort).toBe(0)
    expect(c.logLevel).toBe('warn')
  })

  it('--sim with no file runs the embedded demo config', () => {
    const c = loadConfig({ cwd: dir(), env: {}, sim: true })
    expect(c.sim).toBe(true)
    expect(c.enabledPetals).toContain('petal-example')
  })

  it('orders proxies after what they depend on', () => {
    const c = loadConfig({ cwd: dir(), env: {} })
    expect(c.enabledProxies).toEqual([])
  })

  it('warns about an unknown PETAL_ variable and about names listed twice', () => {
    const cwd = dir({ 'petal.yaml': 'enabled_petals: [petal-example, petal-example]\n' })
    const c = loadConfig({ cwd, env: { PETAL_HTTP_PROT: '1' } })
    expect(c.warnings).toContain('unknown variable PETAL_HTTP_PROT (ignored)')
    expect(c.warnings).toContain("enabled_petals: 'petal-example' listed twice (once is enough)")
    expect(c.enabledPetals).toEqual(['petal-example'])
  })
})

describe('bad configuration', () => {
  it('invalid YAML names the file, line and column', () => {
    const cwd = dir({ 'petal.yaml': 'enabled_petals: [petal-a\nfoo: : bar\n' })
    const [issue] = issuesOf(() => loadConfig({ cwd, env: {} }))
    expect(issue!.source).toMatch(/petal\.yaml:\d+:\d+$/)
    expect(issue!.expected).toBe('valid YAML')
  })

  it('an unknown key is an error listing the known keys', () => {
    const cwd = dir({ 'petal.yaml': 'enabled_petal: [petal-example]\n' })
    const [issue] = issuesOf(() => loadConfig({ cwd, env: {} }))
    expect(issue).toMatchObject({ key: 'enabled_petal', found: "unknown key 'enabled_petal'" })
    expect(issue!.expected).toContain('enabled_petals')
  })

  it('an unknown proxy name is an error naming the known ones', () => {
    const cwd = dir({ 'petal.yaml': 'enabled_proxies: [reddis]\n' })
    const [issue] = issuesOf(() => loadConfig({ cwd, env: {} }))
    expect(issue).toMatchObject({ key: 'enabled_proxies.0', found: '"reddis"' })
    expect(issue!.expected).toMatch(
      /a proxy name \(ext_mavlink, ftp_mavlink, redis, db, cloud, bucket, mqtt\)/,
    )
  })

  it('a petal name that does not start with petal- is an error', () => {
    const cwd = dir({ 'petal.yaml': 'enabled_petals: [flight_records]\n' })
    const [issue] = issuesOf(() => loadConfig({ cwd, env: {} }))
    expect(issue).toMatchObject({ key: 'enabled_petals.0', found: '"flight_records"' })
    expect(issue!.expected).toMatch(/petal-<kebab-case>/)
  })

  it('a petal with neither a petals: entry nor a shipped module is an error', () => {
    const cwd = dir({ 'petal.yaml': 'enabled_petals: [petal-nowhere]\n' })
    const [issue] = issuesOf(() => loadConfig({ cwd, env: {} }))
    expect(issue).toMatchObject({ key: 'enabled_petals: petal-nowhere', found: 'neither' })
  })

  it('bad variables name the variable, the expected form and the value found', () => {
    const issues = issuesOf(() =>
      loadConfig({
        cwd: dir(),
        env: { PETAL_HTTP_PORT: '90000', PETAL_LOG_LEVEL: 'loud', PETAL_LOG_TO_FILE: 'maybe' },
      }),
    )
    const byKey = Object.fromEntries(issues.map((i) => [i.key, i]))
    expect(byKey.PETAL_HTTP_PORT).toMatchObject({ found: '90000' })
    expect(byKey.PETAL_HTTP_PORT!.expected).toMatch(/1\.\.65535|between|less than/)
    expect(byKey.PETAL_LOG_LEVEL!.expected).toMatch(/DEBUG, INFO, WARNING, ERROR, CRITICAL/)
    expect(byKey.PETAL_LOG_TO_FILE).toMatchObject({ found: '"maybe"' })
  })

  it('bad CLI values are errors too', () => {
    const issues = issuesOf(() => loadConfig({ cwd: dir(), env: {}, httpPort: 'abc', logLevel: 'chatty' }))
    expect(issues.map((i) => i.key).sort()).toEqual(['--http-port', '--log-level'])
  })

  it('an address other than loopback needs PETAL_API_TOKEN', () => {
    const [issue] = issuesOf(() => loadConfig({ cwd: dir(), env: { PETAL_HTTP_HOST: '0.0.0.0' } }))
    expect(issue).toMatchObject({ key: 'PETAL_API_TOKEN', found: 'nothing' })
    expect(
      loadConfig({ cwd: dir(), env: { PETAL_HTTP_HOST: '0.0.0.0', PETAL_API_TOKEN: 's3cret' } }).apiToken,
    ).toBe('s3cret')
  })

  it('a missing --config or --env-file is an error', () => {
    const issues = issuesOf(() =>
      loadConfig({ cwd: dir(), env: {}, configPath: 'nope.yaml', envFile: 'nope.env' }),
    )
    expect(issues.map((i) => i.key)).toEqual(['--config', '--env-file'])
  })

  it('a proxy dependency cycle and a dependency turned off are errors', () => {
    const cwd = dir({ 'petal.yaml': 'proxy_dependencies:\n  redis: [mqtt]\n  mqtt: [redis]\n' })
    const [issue] = issuesOf(() => loadConfig({ cwd, env: {} }))
    expect(issue).toMatchObject({ key: 'proxy_dependencies', expected: 'no dependency cycle' })
  })

  it('a backoff cap below its minimum is an error', () => {
    const cwd = dir({ 'petal.yaml': 'supervision:\n  petals:\n    backoff: { min_ms: 20000 }\n' })
    const [issue] = issuesOf(() => loadConfig({ cwd, env: {} }))
    expect(issue).toMatchObject({ key: 'supervision.petals.backoff', expected: 'max_ms >= min_ms' })
  })

  it('PETAL_FAULTS arms a fault plan; unset, empty or with no point it arms nothing, and is no unknown variable', () => {
    const plan = { seed: 7, points: { 'mailbox.delay': { p: 0.02, maxMs: 50, match: '/petals/' } } }
    const c = loadConfig({ cwd: dir(), env: { PETAL_FAULTS: JSON.stringify(plan) } })
    expect(c.faults).toEqual(plan)
    expect(c.warnings).toEqual([])
    expect(loadConfig({ cwd: dir(), env: {} }).faults).toBeUndefined()
    expect(loadConfig({ cwd: dir(), env: { PETAL_FAULTS: ' ' } }).faults).toBeUndefined()
    expect(loadConfig({ cwd: dir(), env: { PETAL_FAULTS: '{"points":{}}' } }).faults).toBeUndefined()
  })

  it('a bad PETAL_FAULTS names each problem: invalid JSON, an unknown point, p outside 0..1, a negative maxMs', () => {
    const [json] = issuesOf(() => loadConfig({ cwd: dir(), env: { PETAL_FAULTS: '{seed: 7' } }))
    expect(json).toMatchObject({ source: 'env', key: 'PETAL_FAULTS' })
    expect(json!.expected).toMatch(/^a JSON object \{"seed": 7, "points"/)
    expect(json!.found).toMatch(/^invalid JSON/)
    const issues = issuesOf(() =>
      loadConfig({
        cwd: dir(),
        env: {
          PETAL_FAULTS: JSON.stringify({
            points: { 'mailbox.dely': { p: 1 }, 'timer.late': { p: 1.5, maxMs: -1 } },
          }),
        },
      }),
    )
    expect(issues.map((i) => [i.key, i.expected, i.found])).toEqual([
      [
        'PETAL_FAULTS.points.mailbox.dely',
        'a fault point (mailbox.delay, mailbox.drop, actor.init.fail, proxy.call.fail, timer.late)',
        "'mailbox.dely'",
      ],
      ['PETAL_FAULTS.points.timer.late.p', 'a probability 0..1', '1.5'],
      ['PETAL_FAULTS.points.timer.late.maxMs', 'a number of ms >= 0', '-1'],
    ])
  })

  it('every problem is reported at once', () => {
    const cwd = dir({ 'petal.yaml': 'enabled_proxies: [nope]\nenabled_petals: [bad_name]\nwhat: 1\n' })
    const issues = issuesOf(() => loadConfig({ cwd, env: { PETAL_HTTP_PORT: 'x' } }))
    expect(issues.length).toBeGreaterThanOrEqual(4)
  })
})
