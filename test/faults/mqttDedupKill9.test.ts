/**
 * Fault: our process is killed with `kill -9` after it answered commands. The app re-sends them
 * with the same `messageId`s (its answers were lost, or it retries anyway): the restarted runtime
 * sends the very same answers again and does not run the handlers a second time, because the
 * dedup window is journaled with the answers in the outbox. A command never answered before the
 * kill runs normally.
 */
import { expect, it } from 'vitest'
import { runsOf } from '../fixtures/petals/ledger.ts'
import { startLedgerRig } from '../support/ledgerRig.ts'
import type { RunningRuntime } from '../support/runtimeProcess.ts'
import { until } from '../support/until.ts'

it('a command answered before a kill -9 and re-sent after the restart gets the same answer, without running again', async () => {
  const { ledger, peer, start, close } = await startLedgerRig('fault-dedup', 'org-d')
  const command = (id: string) => ({
    messageId: id,
    command: 'petal-ledger/record',
    payload: { id },
    waitResponse: true,
  })
  let rt: RunningRuntime | undefined
  try {
    rt = await start()
    const ids = Array.from({ length: 20 }, (_, i) => `answered-${i}`)
    for (const id of ids) peer.send(command(id))
    await peer.waitForResponses(ids, 10_000)
    const first = new Map(ids.map((id) => [id, peer.responses.get(id)![0]!]))
    for (const id of ids) expect(first.get(id)).toMatchObject({ status: 'success', data: { runs: 1 } })
    await rt.kill9()

    rt = await start()
    for (const id of ids) peer.send(command(id))
    peer.send(command('fresh'))
    await until(
      () => ids.every((id) => peer.responses.get(id)!.length >= 2) && peer.responses.has('fresh'),
      10_000,
      'the answers to the re-sent commands',
    )
    for (const id of ids) {
      // The same answer (timestamp included), not a new run's `runs: 2`.
      expect(peer.responses.get(id)![1], id).toEqual(first.get(id))
      expect(runsOf(ledger, id), id).toBe(1)
    }
    expect(peer.responses.get('fresh')![0]).toMatchObject({ status: 'success', data: { runs: 1 } })
    expect(runsOf(ledger, 'fresh')).toBe(1)
  } finally {
    await close(rt)
  }
}, 60_000)
