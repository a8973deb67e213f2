/**
 * `durableWrites`: every local-DB write the runtime acknowledged is in the database at each later
 * check (checks follow each runtime restart, and the end of the run). A key written more than once
 * must hold its latest value acknowledged before the check, or the value of a write acknowledged
 * after it (that write may land before its answer). Each key is reported once, at its first failure.
 */
import type { History, WriteRecord } from '../history.ts'
import { type InvariantResult, ViolationLog } from './invariant.ts'
import { seconds } from './statistics.ts'

/**
 * Checks that no acknowledged write is lost or changed across restarts.
 *
 * @example
 * checkDurableWrites(history).figure // '1200 writes acked (1200 keys), 4 DB checks, 3100 key reads: 0 lost, 0 changed'
 *
 * @category invariants
 */
export function checkDurableWrites(history: History): InvariantResult {
  const log = new ViolationLog()
  const byKey = writesByKey(history.writes)
  const failed = new Set<number>()
  let reads = 0
  let lost = 0
  let changed = 0
  for (const check of [...history.dbChecks].sort((a, b) => a.at - b.at)) {
    for (const [key, writes] of byKey) {
      const before = writes.filter((w) => w.ackedAt < check.at)
      if (before.length === 0 || failed.has(key)) continue
      reads++
      const expected = before.at(-1)!
      const got = check.present[String(key)]
      const acked = `'${expected.value}' acked at t=${seconds(expected.ackedAt)}`
      if (got === undefined) {
        lost++
        failed.add(key)
        log.add(
          `key ${key} (${acked}) missing at the check at t=${seconds(check.at)}`,
          expected.ackedAt,
          check.at,
        )
      } else if (got !== expected.value && !writes.some((w) => w.ackedAt >= check.at && w.value === got)) {
        changed++
        failed.add(key)
        log.add(
          `key ${key} holds '${got}' at t=${seconds(check.at)}, expected ${acked}`,
          expected.ackedAt,
          check.at,
        )
      }
    }
  }
  const figure =
    `${history.writes.length} writes acked (${byKey.size} keys), ${history.dbChecks.length} DB checks, ` +
    `${reads} key reads: ${lost} lost, ${changed} changed`
  return log.result('durableWrites', figure)
}

/** The writes of each key, in acknowledgement order. */
export function writesByKey(writes: readonly WriteRecord[]): Map<number, WriteRecord[]> {
  const byKey = new Map<number, WriteRecord[]>()
  for (const w of [...writes].sort((a, b) => a.ackedAt - b.ackedAt)) {
    const list = byKey.get(w.key)
    if (list) list.push(w)
    else byKey.set(w.key, [w])
  }
  return byKey
}
