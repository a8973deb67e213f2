/**
 * Guards `actors/mavlink/options.ts` (issue 3): the original's variables and defaults, bad values
 * reported as issues naming the variable.
 */
import { describe, expect, it } from 'vitest'
import { optionsFromEnv } from '../../../actors/mavlink/options.ts'

describe('ext_mavlink options', () => {
  it("takes the original's defaults", () => {
    const r = optionsFromEnv({}, false)
    expect(r).toMatchObject({
      options: {
        endpoint: { kind: 'udpin', host: '127.0.0.1', port: 14551 },
        sourceSystem: 2,
        sourceComponent: 140,
        heartbeatHz: 5,
        heartbeatTimeoutMs: 3000,
        signingKey: undefined,
        reboot: { ackTimeout: 3, hbDropWindow: 5, hbDropGap: 1.5, hbReturnWindow: 30, sitlMode: false },
        sim: false,
      },
    })
  })

  it('reads PETAL_MAVLINK_* and PETAL_REBOOT_*; a bare device path takes PETAL_MAVLINK_BAUD', () => {
    const r = optionsFromEnv(
      {
        PETAL_MAVLINK_ENDPOINT: '/dev/ttyAMA0',
        PETAL_MAVLINK_BAUD: '921600',
        PETAL_MAVLINK_HEARTBEAT_SEND_FREQUENCY: '2',
        PETAL_MAVLINK_SIGNING_KEY: 'k',
        PETAL_REBOOT_SITL_MODE: 'True',
        PETAL_REBOOT_HB_DROP_GAP: '2.5',
      },
      false,
    )
    expect(r).toMatchObject({
      options: {
        endpoint: { kind: 'serial', path: '/dev/ttyAMA0', baud: 921600 },
        heartbeatHz: 2,
        signingKey: 'k',
        reboot: { sitlMode: true, hbDropGap: 2.5 },
      },
    })
  })

  it('reports every bad value, naming the variable and the expected form', () => {
    const r = optionsFromEnv(
      {
        PETAL_MAVLINK_ENDPOINT: 'ftp:x:1',
        PETAL_MAVLINK_SOURCE_COMPONENT_ID: '0',
        PETAL_MAVLINK_HEARTBEAT_SEND_FREQUENCY: 'fast',
        PETAL_REBOOT_SITL_MODE: 'maybe',
      },
      false,
    )
    expect('issues' in r && r.issues.map((i) => i.key).sort()).toEqual([
      'PETAL_MAVLINK_ENDPOINT',
      'PETAL_MAVLINK_HEARTBEAT_SEND_FREQUENCY',
      'PETAL_MAVLINK_SOURCE_COMPONENT_ID',
      'PETAL_REBOOT_SITL_MODE',
    ])
    expect(
      'issues' in r && r.issues.find((i) => i.key === 'PETAL_MAVLINK_SOURCE_COMPONENT_ID'),
    ).toMatchObject({
      expected: 'an integer 1..255',
      found: '"0"',
    })
  })
})
