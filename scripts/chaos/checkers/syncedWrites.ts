/**
 * `syncedWrites`: once the outbox drained, DynamoDB holds every acknowledged write exactly once,
 * with the key's latest acknowledged value. A key held twice was applied twice; a missing key was
 * lost on the way. Items no acknowledged write explains (applied, answer lost) are counted, not
 * failed. Without DynamoDB (`cloudItems` undefined) the invariant is reported as not run.
 */
import type { CloudItem, History } from '../history.ts'
import { writesByKey } from './durableWrites.ts'
import { type InvariantResult, ViolationLog } from './invariant.ts'
import { seconds } from './statistics.ts'

/**
 * Checks that every acknowledged write reached DynamoDB once.
 *
 * @example
 * checkSyncedWrites(history).figure // '1200 keys acked, 1203 items in DynamoDB: 1200 synced once, 0 missing, 0 applied twice, 0 wrong value, 3 unacknowledged'
 *
 * @category invariants
 */
export function checkSyncedWrites(history: History): InvariantResult {
  const log = new ViolationLog()
  if (history.cloudItems === undefined) return log.result('syncedWrites', 'not run (no DynamoDB)')
  const items = new Map<number, CloudItem[]>()
  for (const item of history.cloudItems) {
    const list = items.get(item.key)
    if (list) list.push(item)
    else items.set(item.key, [item])
  }
  const byKey = writesByKey(history.writes)
  let once = 0
  let missing = 0
  let twice = 0
  let wrong = 0
  for (const [key, writes] of byKey) {
    const last = writes.at(-1)!
    const held = items.get(key) ?? []
    const acked = `'${last.value}' acked at t=${seconds(last.ackedAt)}`
    if (held.length === 0) {
      missing++
      log.add(`key ${key} (${acked}) is not in DynamoDB`, last.ackedAt, history.durationMs)
    } else if (held.length > 1) {
      twice++
      const versions = held.map((i) => i.version).join(', ')
      log.add(`key ${key} (${acked}) applied ${held.length} times (versions ${versions})`, last.ackedAt)
    } else if (held[0]!.value !== last.value) {
      wrong++
      log.add(`key ${key} holds '${held[0]!.value}' in DynamoDB, expected ${acked}`, last.ackedAt)
    } else {
      once++
    }
  }
  const unacked = [...items.keys()].filter((k) => !byKey.has(k)).length
  const figure =
    `${byKey.size} keys acked, ${history.cloudItems.length} items in DynamoDB: ${once} synced once, ` +
    `${missing} missing, ${twice} applied twice, ${wrong} wrong value, ${unacked} unacknowledged`
  return log.result('syncedWrites', figure)
}
