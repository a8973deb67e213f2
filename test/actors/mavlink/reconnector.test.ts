/**
 * Guards `actors/mavlink/transport/Reconnector.ts`: the retry schedule every transport shares
 * (0.5 s doubling to 5 s, reset once up), down reported only for a link that was up, and no retry
 * after close. Runs on the virtual clock.
 */
import { describe, expect, it } from 'vitest'
import { clockTimers } from '../../../actors/mavlink/MavlinkSession.ts'
import { Reconnector } from '../../../actors/mavlink/transport/Reconnector.ts'
import { VirtualClock } from '../../../runtime/kernel/index.ts'

function harness() {
  const clock = new VirtualClock()
  const seen: string[] = []
  const opens: number[] = []
  const link = new Reconnector(
    { onData: () => {}, onUp: () => seen.push('up'), onDown: (r) => seen.push(`down:${r}`) },
    clockTimers(clock),
  )
  link.start(() => opens.push(clock.now()))
  return { clock, seen, opens, link }
}

describe('Reconnector', () => {
  it('retries a failing open at 0.5, 1, 2, 4, 5, 5 s intervals, silently', () => {
    const { clock, seen, opens, link } = harness()
    for (let i = 0; i < 6; i++) {
      link.failed()
      clock.advance(clock.nextDue()! - clock.now())
    }
    expect(opens).toEqual([0, 500, 1500, 3500, 7500, 12_500, 17_500])
    expect(seen).toEqual([])
  })

  it('reports down only when the link was up, and resets the backoff once up', () => {
    const { clock, seen, opens, link } = harness()
    link.failed()
    clock.advance(500)
    link.opened()
    expect(link.up).toBe(true)
    link.dropped('gone')
    expect(link.up).toBe(false)
    clock.advance(500)
    link.dropped('never up')
    expect(seen).toEqual(['up', 'down:gone'])
    expect(opens).toEqual([0, 500, 1000])
  })

  it('after close schedules nothing and cancels the pending retry', () => {
    const { clock, opens, link } = harness()
    link.failed()
    link.close()
    link.failed()
    clock.advance(60_000)
    expect(opens).toEqual([0])
    expect(link.closed).toBe(true)
    expect(clock.pending).toBe(0)
  })
})
