/**
 * The invariants of a chaos run (issue #7), each a pure function of the `History`, one per file
 * under `checkers/`: `checkAll` runs them in the order the issue lists them. A checker never throws
 * on a well-formed history; it returns `ok: false` with its violations and their time window.
 */

import { checkDurableWrites } from './checkers/durableWrites.ts'
import type { CheckBounds, InvariantResult } from './checkers/invariant.ts'
import { checkNoCrash } from './checkers/noCrash.ts'
import { checkParameters } from './checkers/parameters.ts'
import { checkRecovery } from './checkers/recovery.ts'
import { checkResources } from './checkers/resources.ts'
import { checkResponses } from './checkers/responses.ts'
import { checkRestartPolicy } from './checkers/restartPolicy.ts'
import { checkSyncedWrites } from './checkers/syncedWrites.ts'
import type { History } from './history.ts'

export { checkDurableWrites } from './checkers/durableWrites.ts'
export {
  type CheckBounds,
  DEFAULT_BOUNDS,
  type InvariantResult,
  resolveBounds,
} from './checkers/invariant.ts'
export { checkNoCrash } from './checkers/noCrash.ts'
export { checkParameters } from './checkers/parameters.ts'
export { checkRecovery } from './checkers/recovery.ts'
export { checkResources } from './checkers/resources.ts'
export { checkResponses } from './checkers/responses.ts'
export { checkRestartPolicy, policyFor } from './checkers/restartPolicy.ts'
export { checkSyncedWrites } from './checkers/syncedWrites.ts'

/** A checker: the history (and bounds) in, one result out. */
export type Checker = (history: History, bounds?: CheckBounds) => InvariantResult

/** Every checker, in the order. */
export const CHECKERS: readonly Checker[] = [
  checkResponses,
  checkDurableWrites,
  checkSyncedWrites,
  checkParameters,
  checkNoCrash,
  checkRestartPolicy,
  checkRecovery,
  checkResources,
]

/**
 * Runs every invariant over `history`.
 *
 * @example
 * const failing = checkAll(history, { maxRecoveryMs: 10_000 }).filter((r) => !r.ok)
 *
 * @category invariants
 */
export function checkAll(history: History, bounds?: CheckBounds): InvariantResult[] {
  return CHECKERS.map((check) => check(history, bounds))
}
