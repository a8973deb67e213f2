/**
 * The dashboard's WebSocket inspection stream (/ws/inspect): read with @statelyai/inspect's own
 * receiver, it carries @xstate.actor events with machine definitions and diagrams, machine
 * snapshots, supervision events, the tree with health, and log lines (issue #6).
 */
import { join } from 'node:path'
import { createWebSocketReceiver } from '@statelyai/inspect'
import { afterEach, describe, expect, it } from 'vitest'
import { startTestRuntime, type TestRuntime } from '../support/testRuntime.ts'

const machinePetal = join(process.cwd(), 'test/fixtures/petals/machine.mjs')

let rt: TestRuntime | undefined
afterEach(async () => {
  await rt?.stop()
  rt = undefined
})

type Seen = { type: string; sessionId?: string; [k: string]: unknown }

describe('/ws/inspect', () => {
  it('streams machines with definitions and diagrams, snapshots, supervision events, the tree and logs', async () => {
    rt = await startTestRuntime(
      `enabled_petals: [petal-machine]\npetals:\n  petal-machine: ${machinePetal}\n`,
    )
    const url = rt.runtime.httpUrl
    const seen: Seen[] = []
    const receiver = createWebSocketReceiver({ server: `${url.replace('http', 'ws')}/ws/inspect` })
    receiver.subscribe((e: unknown) => {
      seen.push(e as Seen)
    })
    const waitFor = async (pred: (e: Seen) => boolean): Promise<Seen> => {
      for (let i = 0; i < 100; i++) {
        const hit = seen.find(pred)
        if (hit) return hit
        await new Promise((r) => setTimeout(r, 50))
      }
      throw new Error(
        `not seen; got ${JSON.stringify(seen.filter((e) => e.type === '@xstate.actor').map((e) => [e.sessionId, e.name]))}`,
      )
    }
    const machine = await waitFor((e) => e.type === '@xstate.actor' && e.name === 'toggle')
    expect(JSON.parse(String(machine.definition))).toMatchObject({ id: 'toggle', initial: 'off' })
    expect(String(machine.mermaid)).toContain('toggle_off --> toggle_on: FLIP')
    await waitFor((e) => e.type === '@petal.tree')
    await waitFor((e) => e.type === '@xstate.actor' && e.sessionId === '/petals/petal-machine')

    await fetch(`${url}/petals/petal-machine/flip`, { method: 'POST' })
    const snap = await waitFor(
      (e) =>
        e.type === '@xstate.snapshot' &&
        e.sessionId === machine.sessionId &&
        (e.snapshot as { value?: string })?.value === 'on',
    )
    expect(snap.snapshot).toMatchObject({ value: 'on', status: 'active' })

    await fetch(`${url}/petals/petal-machine/crash`, { method: 'POST' })
    const restart = await waitFor((e) => e.type === '@petal.supervision' && e.kind === 'restart')
    expect(restart).toMatchObject({ path: '/petals/petal-machine', reason: 'asked to crash' })
    await waitFor((e) => e.type === '@petal.log' && String(e.msg).includes('asked to crash'))
    const tree = (await waitFor(
      (e) => e.type === '@petal.tree' && JSON.stringify(e).includes('"restarts":1'),
    )) as unknown as { tree: { tree: { children: { path: string }[] } } }
    expect(tree.tree.tree.children.map((c) => c.path)).toEqual(['/proxies', '/petals', '/control', '/http'])
  })
})
