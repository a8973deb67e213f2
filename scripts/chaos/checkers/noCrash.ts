/**
 * `noCrash`: no petal or proxy failure took the runtime process down. Every exit of the process
 * must be one the harness caused (a `runtime-kill` fault, or the stop at the end of the run); any
 * other exit, whatever its code or signal, is a crash.
 */
import type { History } from '../history.ts'
import { type InvariantResult, ViolationLog } from './invariant.ts'
import { seconds } from './statistics.ts'

/**
 * Checks that the runtime only ever exited when the harness made it.
 *
 * @example
 * checkNoCrash(history).figure // '4 exits: 4 by the harness, 0 unplanned'
 *
 * @category invariants
 */
export function checkNoCrash(history: History): InvariantResult {
  const log = new ViolationLog()
  for (const e of history.exits) {
    if (e.byHarness) continue
    const how = e.signal !== null ? `signal ${e.signal}` : `code ${e.code}`
    log.add(`runtime incarnation ${e.incarnation} exited with ${how} at t=${seconds(e.at)}`, e.at)
  }
  const planned = history.exits.length - log.count
  return log.result(
    'noCrash',
    `${history.exits.length} exits: ${planned} by the harness, ${log.count} unplanned`,
  )
}
