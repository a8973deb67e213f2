/**
 * Guards `machines/reboot.machine.ts` and `machines/rebootStatus.ts` (issue 3): ACK handling,
 * resends with `confirmation` incremented, IN_PROGRESS, heartbeat drop and return, the original's
 * status codes and reason strings; and the simulated vehicle's side of it.
 */
import { describe, expect, it } from 'vitest'
import { createSimulatedLink } from '../../actors/mavlink/sim/simulatedLink.ts'
import type { Outgoing } from '../../machines/mavlinkEvents.ts'
import { type RebootResult, rebootMachine } from '../../machines/reboot.machine.ts'
import { VirtualClock } from '../../runtime/kernel/index.ts'
import { type Driven, drive } from './drive.ts'

function reboot(
  mode: 'ack' | 'heartbeat',
  onSend?: (m: Outgoing, d: Driven) => void,
  options: Record<string, unknown> = {},
  rebootOnboardComputer = false,
) {
  return drive(
    rebootMachine,
    (now) => ({ mode, options, rebootOnboardComputer, lastHeartbeatAt: 0, now }),
    onSend,
  )
}

const ack = (result: number, command = 246) => ({
  type: 'COMMAND_ACK' as const,
  command,
  result,
  progress: 0,
})
const hb = { type: 'HEARTBEAT' as const }

/** Heartbeats every second from `from` to `to` (ms). */
function beats(d: Driven, from: number, to: number): void {
  for (let t = from; t < to; t += 1000) d.clock.setTimeout(() => d.send(hb), t - d.clock.now())
}

describe('reboot machine', () => {
  it('sends MAV_CMD_PREFLIGHT_REBOOT_SHUTDOWN with param1 = 1, param2 = 1 for the onboard computer', () => {
    const a = reboot('ack')
    const b = reboot('ack', undefined, {}, true)
    expect(a.sent[0]!.message).toEqual({
      kind: 'COMMAND_LONG',
      command: 246,
      params: [1, 0, 0, 0, 0, 0, 0],
      confirmation: 0,
    })
    expect((b.sent[0]!.message as { params: readonly number[] }).params.slice(0, 2)).toEqual([1, 1])
  })

  it('ack mode: ACCEPTED ends at once with OK_ACK_ACCEPTED', () => {
    const d = reboot('ack', (_m, dd) => dd.send(ack(0)))
    expect(d.output<RebootResult>()).toEqual({
      success: true,
      statusCode: 'OK_ACK_ACCEPTED',
      reason: 'Autopilot acknowledged the reboot command (ACCEPTED).',
      ackResult: 0,
    })
  })

  it('maps every other MAV_RESULT to its status code and reason', () => {
    const cases: [number, string, string][] = [
      [1, 'FAIL_ACK_TEMPORARILY_REJECTED', 'TEMPORARILY_REJECTED'],
      [2, 'FAIL_ACK_DENIED', 'DENIED'],
      [3, 'FAIL_ACK_UNSUPPORTED', 'UNSUPPORTED'],
      [4, 'FAIL_ACK_FAILED', 'FAILED'],
      [6, 'FAIL_ACK_CANCELLED', 'CANCELLED'],
      [9, 'FAIL_ACK_UNKNOWN', 'UNKNOWN(9)'],
    ]
    for (const [result, code, name] of cases) {
      const d = reboot('heartbeat', (_m, dd) => dd.send(ack(result)))
      expect(d.output<RebootResult>()).toEqual({
        success: false,
        statusCode: code,
        reason: `Autopilot rejected the reboot command: ${name}.`,
        ackResult: result,
      })
    }
  })

  it('ignores an ACK for another command', () => {
    const d = reboot('ack', (_m, dd) => dd.send(ack(0, 400)))
    expect(d.done).toBe(false)
  })

  it('resends without an ACK every second with confirmation 0, 1, 2, then falls back to heartbeats', () => {
    const d = reboot('ack')
    beats(d, 1000, 2500)
    beats(d, 6000, 9000)
    d.advance(20_000)
    expect(d.sent.map((s) => [s.at, (s.message as { confirmation: number }).confirmation])).toEqual([
      [0, 0],
      [1000, 1],
      [2000, 2],
    ])
    expect(d.output<RebootResult>()).toEqual({
      success: true,
      statusCode: 'OK_REBOOT_CONFIRMED_NO_ACK',
      reason: 'No ACK received, but reboot confirmed via heartbeat drop + return.',
      ackResult: null,
    })
  })

  it('counts a drop and return that happen while the ACK is still awaited', () => {
    const d = reboot('ack')
    d.clock.setTimeout(() => d.send(hb), 2_700)
    d.advance(3_000)
    expect(d.output<RebootResult>().statusCode).toBe('OK_REBOOT_CONFIRMED_NO_ACK')
  })

  it('IN_PROGRESS stops the resends and extends the wait (the original failed here)', () => {
    const d = reboot('ack', (_m, dd) => dd.send(ack(5)))
    d.advance(2_500)
    expect(d.sent.length).toBe(1)
    d.send(ack(0))
    expect(d.output<RebootResult>().statusCode).toBe('OK_ACK_ACCEPTED')
  })

  it('heartbeat mode: ACCEPTED, a drop and a return give OK_ACK_ACCEPTED_HB_CONFIRMED', () => {
    const d = reboot('heartbeat', (_m, dd) => dd.send(ack(0)))
    d.advance(4_000)
    expect(d.done).toBe(false)
    d.send(hb)
    expect(d.output<RebootResult>()).toEqual({
      success: true,
      statusCode: 'OK_ACK_ACCEPTED_HB_CONFIRMED',
      reason: 'Reboot confirmed: COMMAND_ACK accepted and heartbeat drop + return observed.',
      ackResult: 0,
    })
  })

  it('heartbeat mode: no ACK, drop and return give OK_HB_CONFIRMED_NO_ACK', () => {
    const d = reboot('heartbeat')
    d.advance(5_000)
    d.send(hb)
    expect(d.output<RebootResult>().statusCode).toBe('OK_HB_CONFIRMED_NO_ACK')
  })

  it('fails when the heartbeat never drops, naming the window and gap', () => {
    const d = reboot('heartbeat', (_m, dd) => dd.send(ack(0)), { hbDropWindow: 5, hbDropGap: 1.5 })
    beats(d, 1000, 60_000)
    d.advance(60_000)
    expect(d.output<RebootResult>()).toEqual({
      success: false,
      statusCode: 'FAIL_REBOOT_NOT_CONFIRMED_NO_HB_DROP',
      reason: 'Heartbeat did not drop within 5.0s window (gap threshold: 1.5s). Reboot not confirmed.',
      ackResult: 0,
    })
  })

  it('fails when the heartbeat drops and never returns', () => {
    const d = reboot('heartbeat', (_m, dd) => dd.send(ack(0)), { hbReturnWindow: 30 })
    d.advance(100_000)
    expect(d.output<RebootResult>()).toMatchObject({
      statusCode: 'FAIL_REBOOT_NOT_CONFIRMED_HB_NO_RETURN',
      reason:
        'Heartbeat drop observed but heartbeat did not return within 30.0s. Autopilot may still be rebooting.',
    })
  })

  it('SITL mode proceeds after DENIED', () => {
    const d = reboot('heartbeat', (_m, dd) => dd.send(ack(2)), { sitlMode: true })
    d.advance(3_000)
    d.send(hb)
    expect(d.output<RebootResult>()).toMatchObject({ success: true, ackResult: 2 })
  })
})

describe('reboot against the simulated vehicle', () => {
  async function run(
    sim: ReturnType<typeof createSimulatedLink>,
    clock: VirtualClock,
    p: Promise<RebootResult>,
  ) {
    let out: RebootResult | undefined
    p.then((r) => {
      out = r
    })
    for (let i = 0; i < 2000 && out === undefined; i++) {
      clock.advance(50)
      await Promise.resolve()
    }
    sim.close()
    return out
  }

  it('happy path: ACCEPTED, then the heartbeats stop and come back with sequence numbers from 0', async () => {
    const clock = new VirtualClock()
    const sim = createSimulatedLink({ clock, up: { latencyMs: 20 }, down: { latencyMs: 20 } })
    clock.advance(1_500)
    const seqs: number[] = []
    sim.dispatch.add('HEARTBEAT', (m) => seqs.push(m.seq))
    const r = await run(sim, clock, sim.ops.rebootAutopilot({ confirm: 'heartbeat' }))
    expect(r?.statusCode).toBe('OK_ACK_ACCEPTED_HB_CONFIRMED')
    expect(sim.vehicle.reboots).toBe(1)
    expect(seqs.at(-1)).toBe(0)
  })

  it('armed: FAILED', async () => {
    const clock = new VirtualClock()
    const sim = createSimulatedLink({ clock, vehicle: { armed: true } })
    clock.advance(1_500)
    const r = await run(sim, clock, sim.ops.rebootAutopilot())
    expect(r).toMatchObject({ success: false, statusCode: 'FAIL_ACK_FAILED', ackResult: 4 })
    expect(sim.vehicle.reboots).toBe(0)
  })

  it('ACK lost on the way down: confirmed by the heartbeat drop and return', async () => {
    const clock = new VirtualClock()
    const sim = createSimulatedLink({ clock, down: { dropIf: (b) => b[0] === 0xfd && b[7] === 77 } })
    clock.advance(1_500)
    const r = await run(sim, clock, sim.ops.rebootAutopilot())
    expect(r?.statusCode).toBe('OK_REBOOT_CONFIRMED_NO_ACK')
    expect(sim.vehicle.reboots).toBeGreaterThanOrEqual(1)
  })
})
