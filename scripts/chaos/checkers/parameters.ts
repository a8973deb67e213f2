/**
 * `parameters`: a bulk parameter set reports every requested name, and a name reported confirmed
 * is what the vehicle holds afterwards (integers exactly; `REAL32` through `Math.fround`, since the
 * autopilot stores a float32). Unconfirmed names are honest reports and pass. A set without a
 * response is counted (`responses` owns lost answers); a confirmed name the harness could not read
 * back from the vehicle is counted as unverified. Times come from the command of the same messageId.
 */
import type { History, ParamSetRecord } from '../history.ts'
import { type InvariantResult, ViolationLog } from './invariant.ts'

/**
 * Checks that confirmed means applied.
 *
 * @example
 * checkParameters(history).figure // '20 sets, 400 params: 380 confirmed, 20 reported unconfirmed, 1 set without response'
 *
 * @category invariants
 */
export function checkParameters(history: History): InvariantResult {
  const log = new ViolationLog()
  const times = commandTimes(history)
  let params = 0
  let confirmed = 0
  let unconfirmed = 0
  let unverified = 0
  let withoutResponse = 0
  for (const set of history.paramSets) {
    if (set.report === undefined) {
      withoutResponse++
      continue
    }
    const t = times.get(set.messageId)
    for (const [name, requested] of Object.entries(set.requested)) {
      params++
      const reported = set.report[name]
      if (reported === undefined) {
        log.add(`${set.messageId}: ${name} requested ${requested} but not reported`, t?.from, t?.to)
      } else if (!reported.confirmed) {
        unconfirmed++
      } else {
        confirmed++
        const vehicle = set.vehicleAfter?.[name]
        if (vehicle === undefined) unverified++
        else if (!sameValue(set, name, requested, vehicle)) {
          const msg = `${set.messageId}: ${name} set to ${requested} reported confirmed but the vehicle holds ${vehicle}`
          log.add(msg, t?.from, t?.to)
        }
      }
    }
  }
  const figure =
    `${history.paramSets.length} sets, ${params} params: ${confirmed} confirmed, ` +
    `${unconfirmed} reported unconfirmed, ${withoutResponse} sets without response` +
    (unverified > 0 ? `, ${unverified} confirmed not read back` : '')
  return log.result('parameters', figure)
}

/** Integers compare exactly; `REAL32` compares as the float32 both sides round to. */
function sameValue(set: ParamSetRecord, name: string, requested: number, vehicle: number): boolean {
  if (set.types[name] === 'REAL32') return Math.fround(requested) === Math.fround(vehicle)
  return requested === vehicle
}

/** From the first send to the last response of each command, by messageId. */
function commandTimes(history: History): Map<string, { from: number; to: number }> {
  const times = new Map<string, { from: number; to: number }>()
  for (const c of history.commands) {
    const at = [...c.sentAt, ...c.responses.map((r) => r.at)]
    if (at.length > 0) times.set(c.messageId, { from: Math.min(...at), to: Math.max(...at) })
  }
  return times
}
