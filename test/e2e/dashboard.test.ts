/**
 * The dashboard in a real browser (playwright-core driving Debian's chromium; no browser
 * download): the tree of a running `petal start --sim` appears, a crashing petal's restart count
 * changes live, a petal is switched off and on from the page, a machine is drawn with its current
 * state highlighted. Screenshots are kept in test-results/screenshots (issue #6).
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MACHINES } from '../../runtime/inspect/machineCatalog.ts'
import { toMermaid } from '../../runtime/inspect/machineDiagram.ts'
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtimeProcess.ts'
import { freePort } from '../support/servers/serverProcess.ts'

const CHROMIUM = '/usr/bin/chromium'
const shots = join(process.cwd(), 'test-results', 'screenshots')
const fixtures = join(process.cwd(), 'test/fixtures/petals')

let browser: Browser
let rt: RuntimeProcess
let url: string

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (npm test does it as root)`)
  }
  mkdirSync(shots, { recursive: true })
  const d = mkdtempSync(join(tmpdir(), 'petal-dash-'))
  writeFileSync(
    join(d, 'petal.yaml'),
    [
      'enabled_proxies: [mqtt, ext_mavlink]',
      'enabled_petals: [petal-example, petal-crashy, petal-machine, petal-parameter-config]',
      'petals:',
      `  petal-crashy: ${join(fixtures, 'crashy.mjs')}`,
      `  petal-machine: ${join(fixtures, 'machine.mjs')}`,
      '',
    ].join('\n'),
  )
  rt = startRuntimeProcess(['start', '--sim', '--config', join(d, 'petal.yaml'), '--http-port', '0'], {
    cwd: d,
    env: { PETAL_EMBEDDED_MQTT_PORT: String(await freePort()) },
  })
  url = await rt.ready
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  if (rt?.child.exitCode === null) {
    rt.child.kill('SIGTERM')
    await rt.exited
  }
})

describe('dashboard', () => {
  it('shows the tree, a restart as it happens, the petal switches and a machine diagram', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const failedRequests: string[] = []
    page.on('requestfailed', (r) => failedRequests.push(r.url()))
    await page.goto(`${url}/dashboard`)
    await page.waitForSelector('#conn.running', { timeout: 10_000 })
    const crashyNode = page.locator('#tree li[data-path="/petals/petal-crashy"] > .node')
    await crashyNode.waitFor({ timeout: 10_000 })
    await expect.poll(() => crashyNode.textContent(), { timeout: 10_000 }).toContain('restarts 0')
    await page.screenshot({ path: join(shots, 'dashboard-tree.png'), fullPage: true })

    await fetch(`${url}/petals/petal-crashy/crash`, { method: 'POST' })
    await expect.poll(() => crashyNode.textContent(), { timeout: 10_000 }).toContain('restarts 1')
    await expect.poll(() => crashyNode.textContent(), { timeout: 10_000 }).toContain('crash on command')
    await expect
      .poll(() => page.locator('#events').textContent(), { timeout: 10_000 })
      .toContain('restart /petals/petal-crashy')
    await page.screenshot({ path: join(shots, 'dashboard-restart.png'), fullPage: true })

    const example = page.locator('#petals tr[data-petal="petal-example"]')
    await example.locator('button').click()
    await expect.poll(() => example.locator('.badge').textContent(), { timeout: 10_000 }).toBe('not_loaded')
    await expect
      .poll(() => page.locator('#tree li[data-path="/petals/petal-example"]').count(), { timeout: 10_000 })
      .toBe(0)
    await example.locator('button').click()
    await expect.poll(() => example.locator('.badge').textContent(), { timeout: 10_000 }).toBe('loaded')
    await expect
      .poll(() => page.locator('#tree li[data-path="/petals/petal-example"]').count(), { timeout: 10_000 })
      .toBe(1)

    const machine = page.locator('.machine', { hasText: 'toggle' })
    await machine.locator('svg').waitFor({ timeout: 10_000 })
    await fetch(`${url}/petals/petal-machine/flip`, { method: 'POST' })
    await expect.poll(() => machine.locator('h3').textContent(), { timeout: 10_000 }).toContain('"on"')
    expect(await machine.locator('g.node.active, g.active').count()).toBeGreaterThan(0)
    const set = await fetch(`${url}/petals/petal-parameter-config/parameters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ parameters: { THR_MAX: 80, ARSPD_FBW_MIN: 11 } }),
    })
    expect(set.status).toBe(200)
    const setBody = await set.json()
    expect(setBody, JSON.stringify(setBody)).toMatchObject({ status: 'success' })
    const paramSet = page.locator('.machine', { hasText: 'paramSet' })
    await paramSet.locator('svg').waitFor({ timeout: 10_000 })
    await page.locator('#log-level').selectOption('40')
    await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true })
    expect(failedRequests.filter((u) => !u.startsWith(url))).toEqual([])
  }, 90_000)

  it("draws every shipped machine's exported Mermaid diagram with the dashboard's own Mermaid", async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/dashboard`)
    await page.waitForFunction(() => 'mermaid' in globalThis, undefined, { timeout: 10_000 })
    for (const m of MACHINES) {
      const svg = await page.evaluate(
        async ([id, text]) => {
          const mermaid = (
            globalThis as unknown as { mermaid: { render(id: string, t: string): Promise<{ svg: string }> } }
          ).mermaid
          return (await mermaid.render(`export-${id}`, text)).svg
        },
        [m.id, toMermaid(m)] as const,
      )
      expect(svg, m.id).toContain('<svg')
      for (const state of Object.keys(m.root.states)) expect(svg, `${m.id}.${state}`).toContain(`>${state}<`)
    }
    await page.close()
  }, 30_000)
})
