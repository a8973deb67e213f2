/**
 * Guards `actors/mavlink/transport/` (issue 3) with real sockets: TCP client and listener with
 * reconnect after the server goes away, and udpin answering whoever sent the last datagram.
 */
import { createSocket } from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { FrameEncoder } from '../../../actors/mavlink/codec/FrameEncoder.ts'
import { FrameParser } from '../../../actors/mavlink/codec/FrameParser.ts'
import { heartbeatPayload, MSG } from '../../../actors/mavlink/codec/wireMessages.ts'
import { createMavlinkProxy, type MavlinkProxy } from '../../../actors/mavlink/createMavlinkProxy.ts'
import { clockTimers } from '../../../actors/mavlink/MavlinkSession.ts'
import { SimVehicle } from '../../../actors/mavlink/sim/SimVehicle.ts'
import { openTransport } from '../../../actors/mavlink/transport/openTransport.ts'
import type { Transport } from '../../../actors/mavlink/transport/Transport.ts'
import { realClock } from '../../../runtime/kernel/index.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A simulated vehicle served on `endpoint` (a listener); resolves with the bound port. */
async function vehicleOn(endpoint: string, port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const { parseEndpoint } = await import('../../../actors/mavlink/transport/endpoint.ts')
  const e = parseEndpoint(endpoint.replace(/:0$/, `:${port}`))
  const vehicle = new SimVehicle({ clock: realClock })
  let transport: Transport | undefined
  const sim = vehicle.attach((b) => transport?.write(b))
  const up = new Promise<void>((resolve) => {
    transport = openTransport(
      e,
      { onData: (c) => sim.receive(c), onUp: resolve, onDown: () => {} },
      clockTimers(realClock),
    )
  })
  await up
  vehicle.start()
  return {
    port: transport!.local!()!.port,
    close: async () => {
      vehicle.stop()
      await transport!.close()
    },
  }
}

describe('TCP', () => {
  it('connects to a tcpin listener and reconnects after the listener comes back', async () => {
    let server = await vehicleOn('tcpin:127.0.0.1:0')
    const port = server.port
    const proxy: MavlinkProxy = await createMavlinkProxy({ endpoint: `tcp:127.0.0.1:${port}` })
    cleanups.push(() => proxy.close())
    expect(await proxy.waitConnected(5_000)).toBe(true)
    let beats = 0
    proxy.on('HEARTBEAT', () => beats++)
    await server.close()
    await new Promise((r) => setTimeout(r, 300))
    const before = beats
    server = await vehicleOn('tcpin:127.0.0.1:0', port)
    cleanups.push(() => server.close())
    const deadline = Date.now() + 8_000
    while (beats === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    // Heartbeats flow again: the client noticed the close and dialled the new listener.
    expect(beats).toBeGreaterThan(before)
  }, 30_000)
})

describe('UDP', () => {
  it('udpin answers whoever sent the last datagram', async () => {
    const server = await vehicleOn('udpin:127.0.0.1:0')
    cleanups.push(() => server.close())
    const hello = new FrameEncoder({ sysid: 255, compid: 190 }).frame(
      MSG.HEARTBEAT,
      heartbeatPayload({ type: 6, autopilot: 8, baseMode: 0, customMode: 0, systemStatus: 4 }),
    )
    const heard = [0, 0]
    const sockets = [0, 1].map((i) => {
      const s = createSocket('udp4')
      const parser = new FrameParser()
      s.on('message', (m) => parser.push(m, () => heard[i]!++))
      s.bind(0, '127.0.0.1')
      cleanups.push(() => new Promise<void>((r) => s.close(() => r())))
      return s
    })
    await new Promise((r) => setTimeout(r, 50))
    sockets[0]!.send(hello, server.port, '127.0.0.1')
    await new Promise((r) => setTimeout(r, 1_200))
    const first = [...heard]
    sockets[1]!.send(hello, server.port, '127.0.0.1')
    await new Promise((r) => setTimeout(r, 1_200))
    expect(first[0]).toBeGreaterThan(0)
    expect(first[1]).toBe(0)
    expect(heard[1]).toBeGreaterThan(0)
    expect(heard[0]).toBe(first[0])
  }, 15_000)
})
