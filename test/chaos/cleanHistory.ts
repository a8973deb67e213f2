/**
 * A small hand-built history of a chaos run in which every invariant holds: a redis outage, a
 * runtime kill and restart, a petal crash loop within its policy, duplicate (identical) answers, a
 * REAL32 parameter read back as its float32. Tests break one part of it at a time.
 */
import type { History, ResourceSample } from '../../scripts/chaos/history.ts'

const MiB = 2 ** 20

/** Flat memory with a little noise, one sample a second over `[from, to]`. */
export function flatSamples(incarnation: number, from: number, to: number): ResourceSample[] {
  const samples: ResourceSample[] = []
  for (let at = from, i = 0; at <= to; at += 1000, i++) {
    const wobble = ((i * 7919) % 11) - 5
    samples.push({
      at,
      incarnation,
      rssBytes: (90 + wobble) * MiB,
      heapUsedBytes: (40 + wobble) * MiB,
      handles: 14 + (i % 3),
    })
  }
  return samples
}

/** The clean history; each call returns a fresh object. */
export function cleanHistory(): History {
  return {
    seed: 42,
    durationMs: 120_000,
    loadStartAt: 0,
    schedule: [
      { id: 0, at: 10_000, kind: 'redis-kill', durationMs: 2000 },
      { id: 1, at: 30_000, kind: 'runtime-kill', durationMs: 1000 },
      { id: 2, at: 50_000, kind: 'petal-crash-loop', durationMs: 0, crashes: 2 },
      { id: 3, at: 70_000, kind: 'link-loss', durationMs: 10_000, loss: 0.2 },
    ],
    commands: [
      {
        messageId: 'm1',
        command: 'chaos/write',
        sentAt: [4000],
        responses: [{ at: 5000, status: 'success', body: '{"ok":1}' }],
      },
      {
        messageId: 'm2',
        command: 'chaos/write',
        sentAt: [19_000, 19_500],
        responses: [
          { at: 20_000, status: 'success', body: '{"ok":2}' },
          { at: 20_400, status: 'success', body: '{"ok":2}' },
        ],
      },
      {
        messageId: 'm3',
        command: 'chaos/write',
        sentAt: [39_000],
        responses: [{ at: 40_000, status: 'success', body: '{"ok":3}' }],
      },
      {
        messageId: 'p1',
        command: 'chaos/params',
        sentAt: [72_000],
        responses: [{ at: 75_000, status: 'success', body: '{"r":1}' }],
      },
    ],
    writes: [
      { key: 1, value: 'one', ackedAt: 5000 },
      { key: 2, value: 'two', ackedAt: 20_000 },
      { key: 3, value: 'three', ackedAt: 40_000 },
    ],
    dbChecks: [
      { at: 33_000, present: { '1': 'one', '2': 'two' } },
      { at: 119_000, present: { '1': 'one', '2': 'two', '3': 'three' } },
    ],
    cloudItems: [
      { key: 1, value: 'one', version: 1 },
      { key: 2, value: 'two', version: 1 },
      { key: 3, value: 'three', version: 1 },
    ],
    paramSets: [
      {
        messageId: 'p1',
        requested: { SYSID_THISMAV: 3, WPNAV_SPEED: 0.1, RTL_ALT: 1500 },
        report: {
          SYSID_THISMAV: { confirmed: true },
          WPNAV_SPEED: { confirmed: true },
          RTL_ALT: { confirmed: false },
        },
        vehicleAfter: { SYSID_THISMAV: 3, WPNAV_SPEED: Math.fround(0.1), RTL_ALT: 1000 },
        types: { SYSID_THISMAV: 'INT', WPNAV_SPEED: 'REAL32', RTL_ALT: 'INT' },
      },
      { messageId: 'p2', requested: { RTL_ALT: 2000 }, types: { RTL_ALT: 'INT' } },
    ],
    supervision: [
      { at: 1000, incarnation: 0, path: '/petals/chaos', kind: 'started' },
      { at: 33_000, incarnation: 1, path: '/petals/chaos', kind: 'started' },
      { at: 50_000, incarnation: 1, path: '/petals/chaos', kind: 'restart', delayMs: 100 },
      { at: 50_101, incarnation: 1, path: '/petals/chaos', kind: 'started' },
      { at: 50_200, incarnation: 1, path: '/petals/chaos', kind: 'restart', delayMs: 200 },
      { at: 50_399, incarnation: 1, path: '/petals/chaos', kind: 'started' },
    ],
    policies: [
      { pathPrefix: '/', intensity: 1, periodMs: 5000, backoff: { minMs: 0, maxMs: 0 } },
      { pathPrefix: '/petals/', intensity: 3, periodMs: 5000, backoff: { minMs: 100, maxMs: 1000 } },
    ],
    exits: [
      { at: 30_000, incarnation: 0, code: null, signal: 'SIGKILL', byHarness: true },
      { at: 120_000, incarnation: 1, code: 0, signal: null, byHarness: true },
    ],
    recoveries: [{ server: 'redis', downAt: 10_000, upAt: 12_000, healthyAt: 13_200 }],
    starts: [
      { incarnation: 0, startedAt: 0, readyAt: 1500 },
      { incarnation: 1, startedAt: 31_000, readyAt: 32_800 },
    ],
    samples: [...flatSamples(0, 2000, 29_000), ...flatSamples(1, 33_000, 119_000)],
  }
}
