/**
 * End to end through the CLI (issue 3): `petal params` and `petal reboot` against `petal sim`, over
 * UDP and over a serial pty pair (Debian socat), at 0%, 10% and 30% loss each way.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { type PtyPair, startPtyPair } from '../support/servers/socatPty.ts'
import { clientOf, runPetal, type SimProcess, startSim } from './petalCli.ts'

const NAMES = [
  'ARSPD_FBW_MIN',
  'ARSPD_FBW_MAX',
  'TRIM_THROTTLE',
  'THR_MAX',
  'RTL_AUTOLAND',
  'LIM_ROLL_CD',
  'SCALING_SPEED',
  'WP_RADIUS',
]
const VALUES: Record<string, string> = {
  ARSPD_FBW_MIN: '11',
  ARSPD_FBW_MAX: '27',
  TRIM_THROTTLE: '41',
  THR_MAX: '90',
  RTL_AUTOLAND: '1',
  LIM_ROLL_CD: '4400',
  SCALING_SPEED: '16.5',
  WP_RADIUS: '55',
}

interface ParamsJson {
  params: Record<string, { value: number; type: number; index: number; count: number; status: string }>
  missing: string[]
  elapsedMs: number
  count?: number
}

const LONG = { timeout: 180_000 }

/**
 * Sets every parameter of VALUES (each confirmed by its echo); with `readBack`, reads them again
 * in a separate run. Both must succeed with the values set.
 */
async function setThenGet(endpoint: string, readBack: boolean): Promise<void> {
  const set = await runPetal([
    'params',
    'set',
    ...NAMES.map((n) => `${n}=${VALUES[n]}`),
    '--endpoint',
    endpoint,
    '--json',
  ])
  expect(set.code, set.stderr).toBe(0)
  const s = JSON.parse(set.stdout) as ParamsJson
  expect(s.missing).toEqual([])
  for (const n of NAMES) expect(s.params[n]).toMatchObject({ status: 'confirmed', value: Number(VALUES[n]) })
  if (!readBack) return
  const get = await runPetal(['params', 'get', ...NAMES, '--endpoint', endpoint, '--json'])
  expect(get.code, get.stderr).toBe(0)
  const g = JSON.parse(get.stdout) as ParamsJson
  for (const n of NAMES) expect(g.params[n]!.value).toBeCloseTo(Number(VALUES[n]), 5)
  expect(get.stdout.trim().split('\n').length).toBe(1)
}

describe('petal params against petal sim over UDP', () => {
  const sims: SimProcess[] = []
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.stop()))
  })

  it('sets and reads back at 0%, 10% and 30% loss each way; a missing name exits 1', LONG, async () => {
    await Promise.all(
      ['0', '0.1', '0.3'].map(async (loss, i) => {
        const sim = await startSim([
          '--listen',
          'udpin:127.0.0.1:0',
          '--loss',
          loss,
          '--latency-ms',
          '20',
          '--seed',
          String(40 + i),
        ])
        sims.push(sim)
        await setThenGet(clientOf(sim.endpoint), loss === '0.3')
        if (loss !== '0') return
        // A name the autopilot does not have: exit 1, the rest read, the name reported missing.
        const r = await runPetal([
          'params',
          'get',
          'ARSPD_FBW_MIN',
          'NO_SUCH_PARAM',
          '--endpoint',
          clientOf(sim.endpoint),
          '--json',
          '--timeout',
          '2',
        ])
        expect(r.code).toBe(1)
        const j = JSON.parse(r.stdout) as ParamsJson
        expect(Object.keys(j.params)).toEqual(['ARSPD_FBW_MIN'])
        expect(j.missing).toEqual(['NO_SUCH_PARAM'])
      }),
    )
  })

  it('reads all 1053 parameters at 10% loss', LONG, async () => {
    const sim = await startSim([
      '--listen',
      'udpin:127.0.0.1:0',
      '--loss',
      '0.1',
      '--latency-ms',
      '20',
      '--seed',
      '7',
    ])
    sims.push(sim)
    const r = await runPetal(['params', 'get', '--all', '--endpoint', clientOf(sim.endpoint), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout) as ParamsJson
    expect(j.count).toBe(1053)
    expect(Object.keys(j.params).length).toBe(1053)
    expect(j.missing).toEqual([])
  })
})

describe('petal params against petal sim over a serial pty pair (socat)', () => {
  const ptys: PtyPair[] = []
  const sims: SimProcess[] = []
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.stop()))
    await Promise.all(ptys.map((p) => p.stop()))
  })

  it('sets and reads back at 57600 baud, 0%, 10% and 30% loss each way', LONG, async () => {
    await Promise.all(
      ['0', '0.1', '0.3'].map(async (loss, i) => {
        const pty = await startPtyPair()
        ptys.push(pty)
        const sim = await startSim(['--serial', `${pty.a}:57600`, '--loss', loss, '--seed', String(50 + i)])
        sims.push(sim)
        await setThenGet(`serial:${pty.b}:57600`, loss === '0.3')
      }),
    )
  })
})

describe('petal reboot against petal sim', () => {
  const sims: SimProcess[] = []
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.stop()))
  })

  it(
    'happy path, armed → FAILED, and ACK lost but confirmed by heartbeat drop and return',
    LONG,
    async () => {
      const [happy, armed, noAck] = await Promise.all([
        startSim(['--listen', 'udpin:127.0.0.1:0']),
        startSim(['--listen', 'udpin:127.0.0.1:0', '--armed']),
        startSim(['--listen', 'udpin:127.0.0.1:0', '--drop', 'COMMAND_ACK', '--reboot-silence-ms', '2500']),
      ])
      sims.push(happy!, armed!, noAck!)
      const [a, b, c] = await Promise.all([
        runPetal(['reboot', '--endpoint', clientOf(happy!.endpoint), '--json']),
        runPetal(['reboot', '--endpoint', clientOf(armed!.endpoint), '--json']),
        runPetal(['reboot', '--endpoint', clientOf(noAck!.endpoint), '--json']),
      ])
      expect(a.code, a.stderr).toBe(0)
      expect(JSON.parse(a.stdout)).toEqual({
        success: true,
        statusCode: 'OK_ACK_ACCEPTED',
        reason: 'Autopilot acknowledged the reboot command (ACCEPTED).',
      })
      expect(b.code).toBe(1)
      expect(JSON.parse(b.stdout)).toMatchObject({ success: false, statusCode: 'FAIL_ACK_FAILED' })
      expect(c.code, c.stderr).toBe(0)
      expect(JSON.parse(c.stdout)).toMatchObject({ success: true, statusCode: 'OK_REBOOT_CONFIRMED_NO_ACK' })
    },
  )
})

describe('bad input to the CLI', () => {
  it(
    'refuses non-numeric and out-of-range values with exit 2 and one JSON error, before connecting',
    LONG,
    async () => {
      // Nothing listens on port 9: the values are refused before any connection is tried.
      const [a, b] = await Promise.all([
        runPetal(['params', 'set', 'RTL_ALT=abc', '--endpoint', 'udpout:127.0.0.1:9', '--json']),
        runPetal(['params', 'set', 'TRIM_THROTTLE=300:INT8', '--endpoint', 'udpout:127.0.0.1:9', '--json']),
      ])
      expect(a.code).toBe(2)
      expect(JSON.parse(a.stdout).error.message).toMatch(/RTL_ALT: expected a number, got 'abc'/)
      expect(b.code).toBe(2)
      expect(JSON.parse(b.stdout).error).toMatchObject({ code: 'VALIDATION_ERROR' })
      expect(JSON.parse(b.stdout).error.message).toMatch(/out of range for INT8 \[-128, 127\]/)
    },
  )
})
