/**
 * Guards `actors/mavlink/sim/lossyLink.ts` (issue 3): every impairment, and that one seed replays
 * the same run.
 */
import { describe, expect, it } from 'vitest'
import { createLossyLink, type DirectionOptions } from '../../../actors/mavlink/sim/lossyLink.ts'
import { VirtualClock } from '../../../runtime/kernel/index.ts'

function run(up: DirectionOptions, seed = 1, n = 1000, size = 37) {
  const clock = new VirtualClock()
  const link = createLossyLink({ clock, seed, up })
  const got: { at: number; id: number; bytes: Uint8Array }[] = []
  link.vehicle.onData((b) => got.push({ at: clock.now(), id: b[0]! | (b[1]! << 8), bytes: b }))
  for (let i = 0; i < n; i++) {
    const b = new Uint8Array(size)
    b[0] = i & 0xff
    b[1] = i >> 8
    link.ground.write(b)
  }
  clock.advance(600_000)
  return { got, stats: link.stats.up }
}

describe('lossy link', () => {
  it('replays exactly from the same seed, and differs with another', () => {
    const o = { loss: 0.2, jitterMs: 30, latencyMs: 50, duplicate: 0.05, reorder: 0.05 }
    const a = run(o, 7).got.map((g) => `${g.at}:${g.id}`)
    const b = run(o, 7).got.map((g) => `${g.at}:${g.id}`)
    const c = run(o, 8).got.map((g) => `${g.at}:${g.id}`)
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
  })

  it('loses about the configured share', () => {
    const { got, stats } = run({ loss: 0.3 }, 3, 4000)
    expect(stats.lost).toBe(4000 - got.length)
    expect(got.length / 4000).toBeGreaterThan(0.66)
    expect(got.length / 4000).toBeLessThan(0.74)
  })

  it('delays by the latency and paces by the baud rate (10 bits per byte)', () => {
    const { got } = run({ latencyMs: 100, baud: 57_600, bufferBytes: 1_000_000 }, 1, 3)
    // 37 bytes at 5760 B/s take 6.4236 ms each.
    expect(got.map((g) => g.at)).toEqual([1, 2, 3].map((k) => (k * 37 * 10_000) / 57_600 + 100))
  })

  it('drops what overflows the transmit buffer', () => {
    const { got, stats } = run({ baud: 9_600, bufferBytes: 370 }, 1, 50)
    expect(stats.overflowed).toBeGreaterThan(0)
    expect(got.length + stats.overflowed).toBe(50)
  })

  it('keeps order under jitter unless reordering is asked for', () => {
    const inOrder = run({ latencyMs: 20, jitterMs: 40 }, 5, 300).got.map((g) => g.id)
    expect(inOrder).toEqual([...inOrder].sort((x, y) => x - y))
    const shuffled = run({ latencyMs: 20, jitterMs: 40, reorder: 0.2 }, 5, 300).got.map((g) => g.id)
    expect(shuffled).not.toEqual([...shuffled].sort((x, y) => x - y))
  })

  it('duplicates and corrupts (one bit) as configured', () => {
    const { got, stats } = run({ duplicate: 0.1, corrupt: 0.1 }, 9, 1000, 37)
    expect(got.length).toBe(1000 + stats.duplicated)
    expect(stats.duplicated).toBeGreaterThan(50)
    const flipped = got.filter((g) => g.bytes.slice(2).some((b) => b !== 0) || g.id > 999)
    expect(stats.corrupted).toBeGreaterThan(50)
    for (const g of got) {
      let bits = 0
      const original = new Uint8Array(37)
      original[0] = g.id & 0xff
      original[1] = g.id >> 8
      for (let i = 2; i < 37; i++) bits += popcount(g.bytes[i]! ^ original[i]!)
      expect(bits).toBeLessThanOrEqual(1)
    }
    expect(flipped.length).toBeGreaterThan(0)
  })

  it('loses everything while cut', () => {
    const clock = new VirtualClock()
    const link = createLossyLink({ clock, seed: 1 })
    let n = 0
    link.vehicle.onData(() => n++)
    link.cut(true)
    link.ground.write(new Uint8Array(5))
    link.cut(false)
    link.ground.write(new Uint8Array(5))
    clock.advance(10)
    expect(n).toBe(1)
  })
})

function popcount(x: number): number {
  let c = 0
  for (let v = x; v; v &= v - 1) c++
  return c
}
