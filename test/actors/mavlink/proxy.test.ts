/**
 * Guards the `ext_mavlink` actor and facade (issue 3): target learning, liveness, idle timers,
 * subscriber isolation, the facade's operations through the actor, inspection of its machines,
 * restarts. Everything on the virtual clock against the simulated vehicle.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { FrameEncoder } from '../../../actors/mavlink/codec/FrameEncoder.ts'
import { heartbeatPayload, MSG } from '../../../actors/mavlink/codec/wireMessages.ts'
import { MavlinkUnavailable } from '../../../actors/mavlink/errors.ts'
import type { MavlinkMessage } from '../../../actors/mavlink/MavlinkMessage.ts'
import { ParamSpecError } from '../../../machines/paramSpec.ts'
import type { InspectionEvent } from '../../../runtime/kernel/index.ts'
import { type SimProxy, simProxy } from './simProxy.ts'

let sp: SimProxy | undefined
afterEach(async () => {
  await sp?.close()
  sp = undefined
})

/** A heartbeat from someone else on the link (a GCS, a companion computer, another autopilot). */
function otherHeartbeat(sp: SimProxy, sysid: number, type: number, autopilot: number): void {
  const frame = new FrameEncoder({ sysid, compid: 190 }).frame(
    MSG.HEARTBEAT,
    heartbeatPayload({ type, autopilot, baseMode: 0, customMode: 0, systemStatus: 4 }),
  )
  sp.link.vehicle.write(frame)
}

describe('ext_mavlink: connection', () => {
  it('connects on the autopilot heartbeat and learns its ids; GCS and companion heartbeats never count', async () => {
    sp = await simProxy({ vehicle: { sysid: 7, compid: 1 }, startVehicle: false })
    otherHeartbeat(sp, 255, 6, 8)
    otherHeartbeat(sp, 3, 18, 8)
    await sp.clock.advanceAsync(100)
    expect((await sp.proxy.status()).connected).toBe(false)
    sp.vehicle.start()
    await sp.clock.advanceAsync(100)
    const st = await sp.proxy.status()
    expect(st).toMatchObject({
      connected: true,
      target: { sysid: 7, compid: 1, autopilot: 3 },
      encoding: 'c-cast',
    })
  })

  it('keeps the learned target while another autopilot talks too', async () => {
    sp = await simProxy()
    await sp.clock.advanceAsync(100)
    otherHeartbeat(sp, 9, 2, 12)
    await sp.clock.advanceAsync(100)
    expect((await sp.proxy.status()).target?.sysid).toBe(1)
  })

  it('is lost after 3 s without a heartbeat, and learns a new autopilot after a simulator restart', async () => {
    sp = await simProxy()
    await sp.clock.advanceAsync(1_050)
    sp.vehicle.stop()
    // The last heartbeat came at 1000 ms: still connected at 3950, lost at 4000.
    await sp.clock.advanceAsync(2_900)
    expect((await sp.proxy.status()).connected).toBe(true)
    await sp.clock.advanceAsync(100)
    expect((await sp.proxy.status()).connected).toBe(false)
    const h = (await sp.proxy.system.lookup('/ext_mavlink')!.ask({ type: 'health' })) as Record<
      string,
      unknown
    >
    expect(h.status).toBe('unhealthy')
    sp.restartVehicle({ sysid: 4, autopilot: 'px4' })
    await sp.clock.advanceAsync(1_000)
    expect(await sp.proxy.status()).toMatchObject({
      connected: true,
      target: { sysid: 4 },
      encoding: 'bytewise',
    })
  })

  it('learns the parameter encoding from AUTOPILOT_VERSION', async () => {
    sp = await simProxy({ vehicle: { autopilot: 'px4' } })
    await sp.clock.advanceAsync(200)
    const h = (await sp.proxy.system.lookup('/ext_mavlink')!.ask({ type: 'health' })) as {
      stats: Record<string, unknown>
    }
    expect(h.stats).toMatchObject({ param_encoding: 'bytewise', param_encoding_source: 'autopilot_version' })
  })

  it('sends a GCS heartbeat at 5 Hz while connected, nothing while disconnected', async () => {
    sp = await simProxy()
    await sp.clock.advanceAsync(100)
    const before = sp.vehicle.received.get(0) ?? 0
    await sp.clock.advanceAsync(2_000)
    expect((sp.vehicle.received.get(0) ?? 0) - before).toBe(10)
    sp.vehicle.stop()
    await sp.clock.advanceAsync(4_000)
    const lost = sp.vehicle.received.get(0) ?? 0
    await sp.clock.advanceAsync(10_000)
    expect(sp.vehicle.received.get(0) ?? 0).toBe(lost)
  })

  it('starts no timer at all while disconnected and idle: no polling', async () => {
    sp = await simProxy({ startVehicle: false })
    await sp.clock.advanceAsync(100)
    const t0 = sp.timersStarted()
    await sp.clock.advanceAsync(600_000)
    expect(sp.timersStarted() - t0).toBe(0)
  })

  it('wakes about 5 times a second while connected and idle (the heartbeat), not 1000', async () => {
    sp = await simProxy()
    await sp.clock.advanceAsync(1_000)
    const t0 = sp.timersStarted()
    await sp.clock.advanceAsync(60_000)
    const perSecond = (sp.timersStarted() - t0) / 60
    expect(perSecond).toBeGreaterThanOrEqual(5)
    expect(perSecond).toBeLessThan(6)
  })
})

describe('ext_mavlink: signing', () => {
  it('with PETAL_MAVLINK_SIGNING_KEY, refuses the unsigned vehicle and signs what it sends', async () => {
    sp = await simProxy({ proxy: { signingKey: 'secret' } })
    await sp.clock.advanceAsync(3_000)
    expect((await sp.proxy.status()).connected).toBe(false)
    const h = (await sp.proxy.system.lookup('/ext_mavlink')!.ask({ type: 'health' })) as {
      stats: Record<string, number>
    }
    expect(h.stats.signature_refused).toBeGreaterThanOrEqual(3)
  })
})

describe('ext_mavlink: subscribers', () => {
  it('delivers by name, by id and to *, decodes fields on demand, and isolates a throwing subscriber', async () => {
    sp = await simProxy()
    const byName: MavlinkMessage[] = []
    const byId: number[] = []
    const all = new Set<string | undefined>()
    sp.proxy.on('HEARTBEAT', () => {
      throw new Error('petal bug')
    })
    sp.proxy.on('HEARTBEAT', (m) => byName.push(m))
    sp.proxy.on(0, (m) => byId.push(m.seq))
    sp.proxy.on('*', (m) => all.add(m.name))
    await sp.clock.advanceAsync(3_000)
    expect(byName.length).toBe(byId.length)
    expect(byName.length).toBeGreaterThanOrEqual(3)
    expect(byName[0]!.fields).toMatchObject({ autopilot: 3, type: 1 })
    expect(all.has('HEARTBEAT')).toBe(true)
    const h = (await sp.proxy.system.lookup('/ext_mavlink')!.ask({ type: 'health' })) as {
      stats: Record<string, number>
    }
    expect(h.stats.handler_errors).toBe(byName.length)
  })

  it('hands unknown message ids raw to * subscribers', async () => {
    sp = await simProxy()
    const raw: MavlinkMessage[] = []
    sp.proxy.on('*', (m) => {
      if (m.name === undefined) raw.push(m)
    })
    await sp.clock.advanceAsync(10)
    sp.link.vehicle.write(Uint8Array.of(0xfd, 2, 0, 0, 0, 1, 1, 0x39, 0x30, 0x00, 7, 7, 0xaa, 0xbb))
    await sp.clock.advanceAsync(10)
    expect(raw.map((m) => [m.msgid, m.fields, m.bytes.length])).toEqual([[12345, undefined, 14]])
  })

  it('drops duplicates within dedupMs (the original’s duplicate filter)', async () => {
    sp = await simProxy()
    const seen: number[] = []
    sp.proxy.on('HEARTBEAT', (m) => seen.push(m.receivedAt), { dedupMs: 2_500 })
    await sp.clock.advanceAsync(10)
    await sp.clock.advanceAsync(6_000)
    // Identical heartbeats every second, from 0 ms: one passes every 3 s.
    expect(seen).toEqual([0, 3000, 6000])
  })

  it('refuses an unknown message name at once', async () => {
    sp = await simProxy()
    expect(() => sp!.proxy.on('NOT_A_MESSAGE', () => {})).toThrow(/unknown MAVLink message name/)
  })

  it('keeps subscriptions across a restart of the proxy actor', async () => {
    sp = await simProxy()
    const seen: number[] = []
    sp.proxy.on('HEARTBEAT', (m) => seen.push(m.seq))
    await sp.clock.advanceAsync(1_500)
    const ref = sp.proxy.system.lookup('/ext_mavlink')!
    ;(ref as unknown as { target: { fail(e: unknown): void } }).target.fail(new Error('injected'))
    await sp.clock.advanceAsync(1_000)
    const n = seen.length
    await sp.clock.advanceAsync(3_000)
    expect(ref.getSnapshot().restarts).toBe(1)
    expect(seen.length).toBeGreaterThan(n)
  })
})

describe('ext_mavlink: operations through the facade', () => {
  it('fails fast with PROXY_UNAVAILABLE while no autopilot is heard', async () => {
    sp = await simProxy()
    sp.vehicle.stop()
    await expect(sp.until(sp.proxy.getParam('RTL_ALT'))).rejects.toBeInstanceOf(MavlinkUnavailable)
  })

  it('bulk set returns the original shape (confirmed names) and the full report', async () => {
    sp = await simProxy({ up: { latencyMs: 30 }, down: { latencyMs: 30 } })
    await sp.clock.advanceAsync(100)
    const r = await sp.until(
      sp.proxy.setParamsBulkLossy({ ARSPD_FBW_MIN: 11, TRIM_THROTTLE: [500, 'INT16'], FORMAT_VERSION: 14 }),
    )
    expect(Object.keys(r)).toEqual(['ARSPD_FBW_MIN'])
    // TRIM_THROTTLE is an INT8 on ArduPlane: the autopilot clamps 500 to 127.
    expect(r.report?.results.TRIM_THROTTLE).toMatchObject({ status: 'adjusted', value: 127, type: 2 })
    expect(r.ARSPD_FBW_MIN).toEqual({
      name: 'ARSPD_FBW_MIN',
      value: 11,
      raw: 11,
      type: 4,
      count: 1053,
      index: 65535,
    })
    expect(r.report?.results.FORMAT_VERSION?.status).toBe('rejected')
    const all = await sp.until(sp.proxy.getParamsBulkLossy(['ARSPD_FBW_MIN']))
    expect(all.ARSPD_FBW_MIN?.value).toBe(11)
  })

  it('validates before sending anything', async () => {
    sp = await simProxy()
    await sp.clock.advanceAsync(100)
    await expect(sp.until(sp.proxy.setParamsBulk({ A: [300, 'INT8'] }))).rejects.toBeInstanceOf(
      ParamSpecError,
    )
    await expect(sp.until(sp.proxy.setParamsBulk({ B: [1, 'INT64'] }))).rejects.toThrow(/64-bit/)
    await expect(sp.until(sp.proxy.setParamsBulk({ C: 'x' }))).rejects.toThrow(/expected a finite number/)
    await expect(sp.until(sp.proxy.setParamsBulk({ D: { type: 'INT8' } }))).rejects.toThrow(
      /must include 'value'/,
    )
    await expect(sp.until(sp.proxy.setParamsBulk({ E: [1, 'WORD'] }))).rejects.toThrow(
      /unsupported param type/,
    )
    await expect(sp.until(sp.proxy.setParamsBulk({ ABCDEFGHIJKLMNOPQ: 1 }))).rejects.toThrow(/at most 16/)
    expect(sp.vehicle.received.get(MSG.PARAM_SET) ?? 0).toBe(0)
  })

  it('makes its machines visible to system.inspect', async () => {
    sp = await simProxy()
    const events: InspectionEvent[] = []
    sp.proxy.system.inspect((e) => events.push(e))
    await sp.clock.advanceAsync(100)
    await sp.until(sp.proxy.setParamsBulk({ ARSPD_FBW_MIN: 10 }))
    const machines = events
      .filter((e) => e.type === '@xstate.actor')
      .map((e) => (e.actorRef as { logic?: { id?: string } }).logic?.id)
    expect(machines).toContain('paramSet')
  })

  it('request/reply with retries, confirmation incremented on each resend', async () => {
    sp = await simProxy({ down: { dropIf: (b) => b[7] === MSG.COMMAND_ACK } })
    await sp.clock.advanceAsync(100)
    const { common } = await import('node-mavlink')
    const cmd = new common.CommandLong()
    cmd.targetSystem = 1
    cmd.targetComponent = 1
    cmd.command = 400 as never
    await expect(
      sp.until(sp.proxy.request(cmd, { reply: 'COMMAND_ACK' }, { timeoutMs: 500, retries: 2 })),
    ).rejects.toMatchObject({ code: 'TIMEOUT_ERROR' })
    expect(sp.vehicle.received.get(MSG.COMMAND_LONG)).toBe(1 + 3)
  })
})
