/**
 * The chaos-run invariant checkers (scripts/chaos/checkers.ts, issue #7): a clean hand-built
 * history passes them all, and each checker fails on a history broken on purpose, with a violation
 * that names the messageId, key or time and a window for the shrinker.
 */
import { describe, expect, it } from 'vitest'
import {
  checkAll,
  checkDurableWrites,
  checkNoCrash,
  checkParameters,
  checkRecovery,
  checkResources,
  checkResponses,
  checkRestartPolicy,
  checkSyncedWrites,
} from '../../scripts/chaos/checkers.ts'
import type { DbCheck, History, ResourceSample } from '../../scripts/chaos/history.ts'
import { cleanHistory, flatSamples } from './cleanHistory.ts'

const MiB = 2 ** 20

function broken(change: (h: History) => Partial<History>): History {
  const h = cleanHistory()
  return { ...h, ...change(h) }
}

describe('checkAll', () => {
  it('passes every invariant of a clean history, one result per checker in the issue order', () => {
    const results = checkAll(cleanHistory())
    expect(results.map((r) => r.name)).toEqual([
      'responses',
      'durableWrites',
      'syncedWrites',
      'parameters',
      'noCrash',
      'restartPolicy',
      'recovery',
      'resources',
    ])
    for (const r of results) {
      expect(r.violations, r.name).toEqual([])
      expect(r.ok, `${r.name}: ${r.figure}`).toBe(true)
      expect(r.window).toBeUndefined()
      expect(r.figure).not.toContain('\n')
    }
  })

  it('keeps the first ten violations and says how many more there were', () => {
    const commands = Array.from({ length: 25 }, (_, i) => ({
      messageId: `lost-${i}`,
      command: 'chaos/write',
      sentAt: [1000 + i],
      responses: [],
    }))
    const r = checkResponses(broken(() => ({ commands })))
    expect(r.violations).toHaveLength(11)
    expect(r.violations[10]).toBe('... and 15 more')
    expect(r.window).toEqual({ from: 1000, to: 1024 })
  })
})

describe('responses', () => {
  it('counts identical duplicate answers without failing (at-least-once delivery)', () => {
    const r = checkResponses(cleanHistory())
    expect(r.ok).toBe(true)
    expect(r.figure).toBe(
      '4 commands: 4 answered, 1 duplicate answers (at-least-once), 0 lost, 0 answered twice',
    )
  })

  it('fails a command that never got a response, naming its messageId', () => {
    const r = checkResponses(
      broken((h) => ({
        commands: [
          ...h.commands,
          { messageId: 'm9', command: 'chaos/write', sentAt: [60_000, 61_000], responses: [] },
        ],
      })),
    )
    expect(r.ok).toBe(false)
    expect(r.figure).toContain('1 lost')
    expect(r.violations[0]).toMatch(/^m9 \(chaos\/write\): no response \(sent 2x from t=60.0s\)/)
    expect(r.window).toEqual({ from: 60_000, to: 61_000 })
  })

  it('fails a command answered twice with different bodies', () => {
    const r = checkResponses(
      broken((h) => ({
        commands: h.commands.map((c) =>
          c.messageId === 'm2'
            ? { ...c, responses: [c.responses[0]!, { at: 20_400, status: 'error', body: '{"err":1}' }] }
            : c,
        ),
      })),
    )
    expect(r.ok).toBe(false)
    expect(r.figure).toContain('0 duplicate answers (at-least-once), 0 lost, 1 answered twice')
    expect(r.violations[0]).toContain('m2 (chaos/write): answered 2 times differently')
    expect(r.violations[0]).toContain('{"err":1}')
  })
})

describe('responses: a duplicate response', () => {
  it('fails a second answer that differs from the first only in its timestamp (the handler ran twice)', () => {
    const answer = (timestamp: string) =>
      JSON.stringify({ messageId: 'm2', status: 'success', timestamp, data: { key: 2 } })
    const r = checkResponses(
      broken((h) => ({
        commands: h.commands.map((c) =>
          c.messageId === 'm2'
            ? {
                ...c,
                responses: [
                  { at: 20_100, status: 'success', body: answer('2026-12-04T20:00:00.100Z') },
                  { at: 20_900, status: 'success', body: answer('2026-12-04T20:00:00.900Z') },
                ],
              }
            : c,
        ),
      })),
    )
    expect(r.ok).toBe(false)
    expect(r.figure).toContain('1 answered twice')
  })
})

describe('durableWrites', () => {
  it('fails a write that was acknowledged and is missing after a restart', () => {
    const r = checkDurableWrites(broken(() => ({ dbChecks: [{ at: 33_000, present: { '1': 'one' } }] })))
    expect(r.ok).toBe(false)
    expect(r.violations).toEqual(["key 2 ('two' acked at t=20.0s) missing at the check at t=33.0s"])
    expect(r.window).toEqual({ from: 20_000, to: 33_000 })
  })

  it('reports a lost key once although every later check misses it too', () => {
    const h = cleanHistory()
    const r = checkDurableWrites({
      ...h,
      dbChecks: [
        { at: 33_000, present: { '1': 'one' } },
        { at: 119_000, present: { '1': 'one', '3': 'three' } },
      ],
    })
    expect(r.violations).toHaveLength(1)
    expect(r.figure).toContain('1 lost, 0 changed')
  })

  it('fails a key holding another value than its last acknowledged write', () => {
    const r = checkDurableWrites(
      broken(() => ({ dbChecks: [{ at: 119_000, present: { '1': 'one', '2': 'zwei', '3': 'three' } }] })),
    )
    expect(r.ok).toBe(false)
    expect(r.violations[0]).toBe("key 2 holds 'zwei' at t=119.0s, expected 'two' acked at t=20.0s")
  })

  it('accepts the value of an overwrite acknowledged after the check (it may land before its answer)', () => {
    const h = cleanHistory()
    const writes = [...h.writes, { key: 2, value: 'deux', ackedAt: 33_500 }]
    const dbChecks: DbCheck[] = [
      { at: 33_000, present: { '1': 'one', '2': 'deux' } },
      { at: 119_000, present: { '1': 'one', '2': 'deux', '3': 'three' } },
    ]
    expect(checkDurableWrites({ ...h, writes, dbChecks }).ok).toBe(true)
    const stale = [dbChecks[0]!, { at: 119_000, present: { '1': 'one', '2': 'two', '3': 'three' } }]
    expect(checkDurableWrites({ ...h, writes, dbChecks: stale }).ok).toBe(false)
  })
})

describe('syncedWrites', () => {
  it('fails an acknowledged write missing from DynamoDB', () => {
    const r = checkSyncedWrites(broken((h) => ({ cloudItems: h.cloudItems!.filter((i) => i.key !== 3) })))
    expect(r.ok).toBe(false)
    expect(r.violations).toEqual(["key 3 ('three' acked at t=40.0s) is not in DynamoDB"])
    expect(r.figure).toContain('1 missing')
  })

  it('fails a write applied twice', () => {
    const r = checkSyncedWrites(
      broken((h) => ({ cloudItems: [...h.cloudItems!, { key: 2, value: 'two', version: 2 }] })),
    )
    expect(r.ok).toBe(false)
    expect(r.violations[0]).toBe("key 2 ('two' acked at t=20.0s) applied 2 times (versions 1, 2)")
  })

  it('counts an item no acknowledged write explains without failing', () => {
    const r = checkSyncedWrites(
      broken((h) => ({ cloudItems: [...h.cloudItems!, { key: 9, value: 'nine', version: 1 }] })),
    )
    expect(r.ok).toBe(true)
    expect(r.figure).toContain('1 unacknowledged')
  })

  it('reports not run when the run had no DynamoDB', () => {
    const { cloudItems: _, ...h } = cleanHistory()
    expect(checkSyncedWrites(h)).toMatchObject({ ok: true, figure: 'not run (no DynamoDB)' })
  })
})

describe('parameters', () => {
  it('passes a REAL32 the vehicle holds as its float32, and counts unconfirmed and unanswered sets', () => {
    const r = checkParameters(cleanHistory())
    expect(Math.fround(0.1)).not.toBe(0.1)
    expect(r.ok).toBe(true)
    expect(r.figure).toBe('2 sets, 3 params: 2 confirmed, 1 reported unconfirmed, 1 sets without response')
  })

  it('fails a parameter reported confirmed that the vehicle does not hold', () => {
    const r = checkParameters(
      broken((h) => ({
        paramSets: [{ ...h.paramSets[0]!, vehicleAfter: { SYSID_THISMAV: 1, WPNAV_SPEED: 0.1 } }],
      })),
    )
    expect(r.ok).toBe(false)
    expect(r.violations).toEqual(['p1: SYSID_THISMAV set to 3 reported confirmed but the vehicle holds 1'])
    expect(r.window).toEqual({ from: 72_000, to: 75_000 })
  })

  it('compares an INT exactly: a float32-equal neighbour fails', () => {
    const big = 16_777_217 // 2^24 + 1: Math.fround rounds it to 2^24
    const r = checkParameters(
      broken(() => ({
        paramSets: [
          {
            messageId: 'p3',
            requested: { N: big },
            report: { N: { confirmed: true } },
            vehicleAfter: { N: 16_777_216 },
            types: { N: 'INT' },
          },
        ],
      })),
    )
    expect(r.ok).toBe(false)
  })

  it('fails a requested parameter missing from the report', () => {
    const r = checkParameters(
      broken((h) => ({
        paramSets: [{ ...h.paramSets[0]!, report: { SYSID_THISMAV: { confirmed: true } } }],
      })),
    )
    expect(r.ok).toBe(false)
    expect(r.violations).toContain('p1: WPNAV_SPEED requested 0.1 but not reported')
  })
})

describe('noCrash', () => {
  it('fails an exit the harness did not cause', () => {
    const r = checkNoCrash(
      broken((h) => ({
        exits: [...h.exits, { at: 80_000, incarnation: 1, code: 1, signal: null, byHarness: false }],
      })),
    )
    expect(r.ok).toBe(false)
    expect(r.violations).toEqual(['runtime incarnation 1 exited with code 1 at t=80.0s'])
    expect(r.figure).toBe('3 exits: 2 by the harness, 1 unplanned')
  })
})

describe('restartPolicy', () => {
  const crashLoop = (times: number[], delayMs = 100) =>
    times.flatMap((at) => [
      { at, incarnation: 1, path: '/petals/chaos', kind: 'restart', delayMs },
      { at: at + delayMs + 1, incarnation: 1, path: '/petals/chaos', kind: 'started' },
    ])

  it('fails a restart that started before its announced backoff', () => {
    const r = checkRestartPolicy(
      broken(() => ({
        supervision: [
          { at: 50_000, incarnation: 1, path: '/petals/chaos', kind: 'restart', delayMs: 400 },
          { at: 50_020, incarnation: 1, path: '/petals/chaos', kind: 'started' },
        ],
      })),
    )
    expect(r.ok).toBe(false)
    expect(r.violations[0]).toBe(
      '/petals/chaos (incarnation 1) restart at t=50.0s: started again 20 ms later, before its 400 ms backoff',
    )
    expect(r.window).toEqual({ from: 50_000, to: 50_020 })
  })

  it('tolerates a start a few milliseconds early (event times travel over the inspector)', () => {
    const r = checkRestartPolicy(
      broken(() => ({
        supervision: [
          { at: 50_000, incarnation: 1, path: '/petals/chaos', kind: 'restart', delayMs: 400 },
          { at: 50_397, incarnation: 1, path: '/petals/chaos', kind: 'started' },
        ],
      })),
    )
    expect(r.ok).toBe(true)
  })

  it('fails more restarts within the period than the intensity allows, once per burst', () => {
    const r = checkRestartPolicy(
      broken(() => ({ supervision: crashLoop([50_000, 50_500, 51_000, 51_500, 52_000]) })),
    )
    expect(r.ok).toBe(false)
    expect(r.violations).toEqual([
      '/petals/chaos (incarnation 1) restart at t=51.5s: 4 restarts within 5000 ms (intensity 3); it should have been marked failed',
    ])
    expect(r.window).toEqual({ from: 50_000, to: 51_500 })
  })

  it('allows as many restarts as the intensity once the earlier ones left the window', () => {
    const r = checkRestartPolicy(
      broken(() => ({ supervision: crashLoop([50_000, 51_000, 52_000, 57_000, 58_000]) })),
    )
    expect(r.ok).toBe(true)
    expect(r.figure).toBe('0 crashes, 5 restarts seen on 1 paths, max delay 100 ms, none marked failed')
  })

  it('fails an actor marked failed (gave-up) before it failed more than its intensity', () => {
    const failed = (at: number) => ({ at, incarnation: 1, path: '/petals/chaos', kind: 'failed' })
    const early = checkRestartPolicy(
      broken(() => ({
        supervision: [failed(50_000), failed(50_500), { ...failed(50_600), kind: 'gave-up' }],
      })),
    )
    expect(early.ok).toBe(false)
    expect(early.violations[0]).toContain('marked failed at t=50.6s after 2 failures within 5000 ms')
    const due = checkRestartPolicy(
      broken(() => ({
        supervision: [
          ...[50_000, 50_200, 50_400, 50_600].map(failed),
          { ...failed(50_700), kind: 'gave-up' },
        ],
      })),
    )
    expect(due.ok).toBe(true)
    expect(due.figure).toBe(
      '4 crashes, 0 restarts seen on 0 paths, max delay 0 ms, marked failed: /petals/chaos',
    )
  })

  it('uses the longest matching prefix: a delay past that policy cap fails', () => {
    const r = checkRestartPolicy(broken(() => ({ supervision: crashLoop([50_000], 1500) })))
    expect(r.ok).toBe(false)
    expect(r.violations[0]).toContain('delay 1500 ms outside [0, 1000] ms')
  })

  it('counts restart intensity per incarnation: a new process starts a fresh window', () => {
    const supervision = [
      ...crashLoop([50_000, 50_500, 51_000]),
      ...crashLoop([51_500]).map((e) => ({ ...e, incarnation: 2 })),
    ]
    expect(checkRestartPolicy(broken(() => ({ supervision }))).ok).toBe(true)
  })
})

describe('recovery', () => {
  it('fails a server whose proxy never became healthy again', () => {
    const r = checkRecovery(
      broken(() => ({ recoveries: [{ server: 'mqtt', downAt: 10_000, upAt: 12_000 }] })),
    )
    expect(r.ok).toBe(false)
    expect(r.violations).toEqual(['mqtt down at t=10.0s, back at t=12.0s: proxy never healthy again'])
  })

  it('fails a recovery slower than the bound and prints p50 and max per server', () => {
    const recoveries = [
      { server: 'redis' as const, downAt: 10_000, upAt: 12_000, healthyAt: 13_000 },
      { server: 'redis' as const, downAt: 60_000, upAt: 62_000, healthyAt: 66_000 },
      { server: 'redis' as const, downAt: 80_000, upAt: 81_000, healthyAt: 83_000 },
    ]
    const ok = checkRecovery(broken(() => ({ recoveries })))
    expect(ok.ok).toBe(true)
    expect(ok.figure).toBe('redis 3x p50 2.0s max 4.0s; runtime start→ready 2x p50 1.5s max 1.8s')
    const slow = checkRecovery(
      broken(() => ({ recoveries })),
      { maxRecoveryMs: 3000 },
    )
    expect(slow.ok).toBe(false)
    expect(slow.violations[0]).toContain('proxy healthy only 4.0s later (bound 3.0s)')
  })

  it('counts an outage still recovering at the end of the run, and fails a runtime never ready', () => {
    const r = checkRecovery(
      broken((h) => ({
        recoveries: [...h.recoveries, { server: 'cloud', downAt: 110_000, upAt: 115_000 }],
        starts: [...h.starts, { incarnation: 2, startedAt: 60_000 }],
      })),
    )
    expect(r.ok).toBe(false)
    expect(r.violations).toEqual(['runtime incarnation 2 started at t=60.0s: never ready'])
    expect(r.figure).toContain('1 still recovering at the end')
  })
})

describe('resources', () => {
  const leaking = (grow: (s: ResourceSample, i: number) => ResourceSample) =>
    broken(() => ({ samples: flatSamples(1, 33_000, 400_000).map(grow), durationMs: 400_000 }))

  it('fails a heap that grows steadily past the bound', () => {
    // +0.3 MiB a second over about six minutes: about 83 MiB between the quarters' medians.
    const r = checkResources(leaking((s, i) => ({ ...s, heapUsedBytes: s.heapUsedBytes + i * 0.3 * MiB })))
    expect(r.ok).toBe(false)
    expect(r.violations).toHaveLength(1)
    expect(r.violations[0]).toMatch(
      /^runtime incarnation 1 \(t=33.0s..400.0s\): heap grew 8\d\.\d MiB \(bound 64.0 MiB\)$/,
    )
    expect(r.figure).toContain('heap 53.7→136.6 MiB (+18.0 MiB/min)')
  })

  it('passes a heap that jumped early and then stayed flat below the bound', () => {
    const r = checkResources(
      leaking((s, i) => ({ ...s, heapUsedBytes: s.heapUsedBytes + (i > 10 ? 50 * MiB : 0) })),
    )
    expect(r.ok).toBe(true)
  })

  it('fails open handles that keep growing', () => {
    const r = checkResources(leaking((s, i) => ({ ...s, handles: s.handles + Math.floor(i / 5) })))
    expect(r.ok).toBe(false)
    expect(r.violations[0]).toMatch(/handles grew from at most \d+ to a median of \d+ \(bound \+25\)/)
  })

  it('says so when too few samples span the minimum, instead of judging', () => {
    const r = checkResources(broken(() => ({ samples: flatSamples(0, 0, 20_000) })))
    expect(r).toMatchObject({
      ok: true,
      figure: 'too few samples to judge a trend (#0 21 samples over 20.0s; need 60.0s)',
    })
  })
})
