/**
 * `petal machines export` and the diagrams behind it: the catalog lists every machine in
 * `machines/`, DOT output is valid Graphviz (laid out by the Graphviz WASM build), the JSON holds
 * every state and transition, including the eventless ones `xstate/graph` omits, and the command's
 * files and exit codes (issue #6). Mermaid validity is proven in the dashboard's browser test.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Graphviz } from '@hpcc-js/wasm-graphviz'
import { describe, expect, it } from 'vitest'
import { type AnyStateMachine, createMachine } from 'xstate'
import { MACHINES } from '../../runtime/inspect/machineCatalog.ts'
import { toDot, toGraphJson, toMermaid } from '../../runtime/inspect/machineDiagram.ts'

const CLI = join(process.cwd(), 'dist/runtime/cli/main.js')

interface GraphJson {
  id: string
  states: { id: string; children: GraphJson['states'][] }
  edges: { source: string; target: string; event: string; guard?: string }[]
}

describe('machine catalog', () => {
  it('lists every machine exported from machines/*.machine.ts', async () => {
    const files = readdirSync(join(process.cwd(), 'machines')).filter((f) => f.endsWith('.machine.ts'))
    const shipped: AnyStateMachine[] = []
    for (const f of files) {
      const mod = (await import(pathToFileURL(join(process.cwd(), 'machines', f)).href)) as Record<
        string,
        unknown
      >
      for (const v of Object.values(mod))
        if (typeof v === 'object' && v !== null && 'root' in v && 'transition' in v)
          shipped.push(v as AnyStateMachine)
    }
    expect(shipped.length).toBe(files.length)
    expect(new Set(MACHINES)).toEqual(new Set(shipped))
  })
})

describe('diagrams', () => {
  const toy = createMachine({
    id: 'toy',
    initial: 'idle',
    on: { PING: { actions: () => {} } },
    states: {
      idle: { always: { guard: 'ready', target: 'busy.a' }, on: { GO: 'busy' } },
      busy: {
        initial: 'a',
        states: { a: { after: { 250: 'b' } }, b: { on: { 'SAY "HI"': { target: '#toy.done' } } } },
      },
      done: { type: 'final' },
    },
  })

  it('writes guards, delays and eventless transitions, and leaves out the root-level handlers', () => {
    const text = toMermaid(toy)
    expect(text).toContain('toy_idle --> toy_busy_a: always [ready]')
    expect(text).toContain('toy_busy_a --> toy_busy_b: after 250 ms')
    expect(text).toContain('toy_idle --> toy_busy: GO')
    expect(text).not.toContain('PING')
    const edges = (toGraphJson(toy) as GraphJson).edges
    expect(edges).toContainEqual({
      source: 'toy.idle',
      target: 'toy.busy.a',
      event: 'always',
      guard: 'ready',
    })
  })

  it('produces DOT that Graphviz lays out, for every shipped machine and one with quotes in an event', async () => {
    const graphviz = await Graphviz.load()
    for (const m of [...MACHINES, toy]) {
      const svg = graphviz.dot(toDot(m))
      expect(svg, m.id).toContain('<svg')
      for (const state of Object.keys(m.root.states)) expect(svg, `${m.id}.${state}`).toContain(`>${state}<`)
    }
  })

  it('keeps every state and every transition of the reboot machine in JSON', () => {
    const reboot = MACHINES.find((m) => m.id === 'reboot')!
    const g = toGraphJson(reboot) as GraphJson
    const ids: string[] = []
    const walk = (s: GraphJson['states']): void => {
      ids.push(s.id)
      s.children.forEach(walk)
    }
    walk(g.states)
    expect(ids).toEqual(
      expect.arrayContaining(['reboot.commanding', 'reboot.waitDrop.watching', 'reboot.done']),
    )
    expect(g.edges).toContainEqual({
      source: 'reboot.waitReturn',
      target: 'reboot.done',
      event: 'HEARTBEAT',
    })
    expect(g.edges.filter((e) => e.source === 'reboot.commanding' && e.event === 'COMMAND_ACK')).toHaveLength(
      5,
    )
  })
})

describe('petal machines export', () => {
  it('writes one file per machine in the chosen format', () => {
    const out = mkdtempSync(join(tmpdir(), 'petal-mx-'))
    for (const [format, ext] of [
      ['mermaid', 'mmd'],
      ['dot', 'dot'],
      ['json', 'json'],
    ] as const) {
      const printed = execFileSync(
        process.execPath,
        [CLI, 'machines', 'export', '--format', format, '--out', out],
        {
          encoding: 'utf8',
        },
      )
      for (const m of MACHINES) {
        const file = join(out, `${m.id}.${ext}`)
        expect(printed).toContain(file)
        const body = readFileSync(file, 'utf8')
        if (format === 'mermaid') expect(body).toBe(toMermaid(m))
        if (format === 'dot') expect(body).toBe(toDot(m))
        if (format === 'json') expect(JSON.parse(body)).toEqual(toGraphJson(m))
      }
    }
  })

  it('prints to stdout with --out -, and fails clearly on a bad format or an unwritable folder', () => {
    const stdout = execFileSync(process.execPath, [CLI, 'machines', 'export', '--out', '-'], {
      encoding: 'utf8',
    })
    for (const m of MACHINES) expect(stdout).toContain(`%% ${m.id}\n${toMermaid(m)}`)

    const bad = spawnSync(process.execPath, [CLI, 'machines', 'export', '--format', 'svg'], {
      encoding: 'utf8',
    })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('Allowed choices are mermaid, dot, json')

    const file = join(mkdtempSync(join(tmpdir(), 'petal-mx-')), 'not-a-dir')
    writeFileSync(file, '')
    const blocked = spawnSync(process.execPath, [CLI, 'machines', 'export', '--out', file], {
      encoding: 'utf8',
    })
    expect(blocked.status).toBe(1)
    expect(blocked.stderr).toContain(`cannot write to ${file}`)
  })
})
