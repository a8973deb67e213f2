/**
 * Fault: our process is killed with `kill -9` and commands are sent while it is down. The broker
 * keeps them in our persistent session (fixed client id, MQTT 5 session expiry) and delivers them
 * right after CONNACK when the runtime is back, before the SUBACK of its new SUBSCRIBE. Every one
 * must be handled once and answered once, without the sender re-sending anything. (Before the fix
 * the proxy dropped messages that arrived before it saw its SUBACK.)
 */
import { expect, it } from 'vitest'
import { runsOf } from '../fixtures/petals/ledger.ts'
import { startLedgerRig } from '../support/ledgerRig.ts'
import type { RunningRuntime } from '../support/runtimeProcess.ts'

it('commands queued in our broker session while we were killed are each answered once after the restart', async () => {
  const { ledger, peer, start, startBare, close } = await startLedgerRig('fault-session', 'org-s')
  let rt: RunningRuntime | undefined
  try {
    rt = await start()
    // The broker now holds our session with its subscription.
    peer.send({ messageId: 'before', command: 'petal-ledger/record', waitResponse: true })
    await peer.waitForResponses(['before'], 5000)
    await rt.kill9()

    const ids = Array.from({ length: 50 }, (_, i) => `queued-${i}`)
    for (const [i, id] of ids.entries())
      peer.send({ messageId: id, command: 'petal-ledger/record', payload: { i }, waitResponse: true })
    // Let the broker take (and queue) all of them before we come back.
    await new Promise((r) => setTimeout(r, 500))

    rt = await startBare()
    await peer.waitForResponses(ids, 15_000)
    // Time for a duplicate answer to show up, were one sent.
    await new Promise((r) => setTimeout(r, 1000))
    for (const [i, id] of ids.entries()) {
      expect(peer.responses.get(id), id).toHaveLength(1)
      expect(peer.responses.get(id)![0], id).toMatchObject({
        status: 'success',
        data: { runs: 1, payload: { i } },
      })
      expect(runsOf(ledger, id), id).toBe(1)
    }
  } finally {
    await close(rt)
  }
}, 60_000)
