/**
 * Guards `petals/petal-system-control/` and `petals/petal-parameter-config/` operations (issue 3):
 * their answers in the original's command-response shape, against the simulated vehicle on the
 * virtual clock.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  bulkGetParameters,
  bulkSetParameters,
  getAllParameters,
} from '../../petals/petal-parameter-config/parameters.ts'
import { rebootAutopilot } from '../../petals/petal-system-control/reboot.ts'
import { type SimProxy, simProxy } from '../actors/mavlink/simProxy.ts'

let sp: SimProxy | undefined
afterEach(async () => {
  await sp?.close()
  sp = undefined
})

describe('petal-parameter-config operations', () => {
  it('refuses an empty or malformed request with the original’s codes', async () => {
    sp = await simProxy()
    expect(await bulkSetParameters(sp.proxy, {})).toMatchObject({
      status: 'error',
      error_code: 'NO_PARAMETERS_PROVIDED',
    })
    expect(await bulkGetParameters(sp.proxy, { parameter_names: [] })).toMatchObject({
      error_code: 'NO_PARAMETER_NAMES_PROVIDED',
    })
    await sp.clock.advanceAsync(100)
    const bad = await sp.until(bulkSetParameters(sp.proxy, { parameters: { A: [1, 'INT64'] } }))
    expect(bad).toMatchObject({ status: 'error', error_code: 'VALIDATION_ERROR' })
  })

  it('reports confirmed and unconfirmed names', async () => {
    sp = await simProxy()
    await sp.clock.advanceAsync(100)
    const all = await sp.until(bulkSetParameters(sp.proxy, { parameters: { ARSPD_FBW_MIN: 9, THR_MAX: 80 } }))
    expect(all).toMatchObject({ status: 'success', message: '2 parameters confirmed' })
    const partial = await sp.until(
      bulkSetParameters(sp.proxy, { parameters: { ARSPD_FBW_MIN: 10, STAT_BOOTCNT: 99 } }),
    )
    expect(partial).toMatchObject({ status: 'error', error_code: 'PARTIAL_FAILURE' })
    expect((partial.data as { unconfirmed: { name: string }[] }).unconfirmed.map((u) => u.name)).toEqual([
      'STAT_BOOTCNT',
    ])
    const none = await sp.until(bulkSetParameters(sp.proxy, { parameters: { FORMAT_VERSION: 1 } }))
    expect(none).toMatchObject({ error_code: 'NO_PARAMETERS_CONFIRMED' })
  })

  it('reads by name, names what is missing, and reads all', async () => {
    sp = await simProxy()
    await sp.clock.advanceAsync(100)
    const r = await sp.until(
      bulkGetParameters(sp.proxy, { parameter_names: ['THR_MAX', 'NOPE'], timeout: 2 }),
    )
    expect(r).toMatchObject({ status: 'error', error_code: 'PARTIAL_FAILURE', data: { missing: ['NOPE'] } })
    const all = await sp.until(getAllParameters(sp.proxy, {}))
    expect(all).toMatchObject({ status: 'success', message: '1053 parameters read' })
  })

  it('answers PROXY_UNAVAILABLE without an autopilot', async () => {
    sp = await simProxy({ startVehicle: false })
    const r = await sp.until(bulkSetParameters(sp.proxy, { parameters: { THR_MAX: 80 } }))
    expect(r).toMatchObject({ status: 'error', error_code: 'PROXY_UNAVAILABLE' })
  })
})

describe('petal-system-control reboot', () => {
  it('answers success with the status code, and a failure with it as error_code', async () => {
    sp = await simProxy()
    await sp.clock.advanceAsync(100)
    const ok = await sp.until(rebootAutopilot(sp.proxy, {}))
    expect(ok).toMatchObject({
      status: 'success',
      data: { status_code: 'OK_ACK_ACCEPTED_HB_CONFIRMED', ack_result: 0 },
    })
    sp.vehicle.armed = true
    await sp.clock.advanceAsync(2_000)
    const refused = await sp.until(rebootAutopilot(sp.proxy, { confirm: 'ack' }))
    expect(refused).toMatchObject({ status: 'error', error_code: 'FAIL_ACK_FAILED' })
    expect(await rebootAutopilot(sp.proxy, { confirm: 'maybe' })).toMatchObject({
      error_code: 'VALIDATION_ERROR',
    })
  })
})
