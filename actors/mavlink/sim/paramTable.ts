/**
 * The simulated vehicle's default parameters: the 1053 parameters of a real ArduPlane SITL capture
 * (`vtol.tlog`, shipped in the node-mavlink npm package; read from node_modules, never committed),
 * each with its index from the list download and its final value in the capture (set echoes
 * after the download win). Read once per process.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { readTlog } from '../codec/tlog.ts'
import { MSG, readParamValue } from '../codec/wireMessages.ts'

/** One parameter of the table. */
export interface ParamDef {
  readonly name: string
  /** MAV_PARAM_TYPE as the capture reports it. */
  readonly type: number
  /** Value bits as captured (ArduPilot: C-cast float bits). */
  readonly bits: number
}

/** Path of `vtol.tlog` inside the installed node-mavlink. */
export function vtolTlogPath(): string {
  const pkg = createRequire(import.meta.url).resolve('node-mavlink/package.json')
  return join(dirname(pkg), 'examples', 'vtol.tlog')
}

let cached: readonly ParamDef[] | undefined

/**
 * The capture's parameter table, in index order.
 *
 * @category simulation
 */
export function vtolParams(): readonly ParamDef[] {
  if (cached !== undefined) return cached
  const { records } = readTlog(readFileSync(vtolTlogPath()))
  const byIndex = new Map<number, ParamDef>()
  const latest = new Map<string, ParamDef>()
  for (const { frame } of records) {
    if (frame.msgid !== MSG.PARAM_VALUE) continue
    const p = readParamValue(frame)
    const def = { name: p.name, type: p.paramType, bits: p.bits }
    if (p.index < p.count) byIndex.set(p.index, def)
    latest.set(p.name, def)
  }
  const table: ParamDef[] = []
  for (let i = 0; byIndex.has(i); i++) table.push(latest.get(byIndex.get(i)!.name)!)
  cached = Object.freeze(table)
  return cached
}
