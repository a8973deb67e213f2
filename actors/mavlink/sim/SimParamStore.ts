/**
 * The simulated autopilot's parameter store, with each autopilot's write semantics.
 * ArduPilot (`AP_Param::set_float`): the PARAM_SET type is ignored, the value is a float; NaN/Inf
 * is refused; integers get ±0.01 added, are constrained to their type's range and truncated
 * (so 2.5 into an INT8 gives 2, 300 gives 127); values are C-cast floats on the wire.
 * PX4: only INT32 and REAL32 exist; the 4 bytes are stored as sent (bytewise).
 */
import { bitsToFloat, floatToBits, PARAM_RANGES, PARAM_TYPES } from '../../../machines/paramValue.ts'
import type { ParamDef } from './paramTable.ts'

/** One stored parameter. */
export interface SimParam {
  readonly name: string
  readonly type: number
  bits: number
  readonly index: number
  readonly readOnly: boolean
}

/** What a write did. */
export type SetOutcome =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'invalid'; readonly param: SimParam }
  | { readonly kind: 'read-only'; readonly param: SimParam }
  | { readonly kind: 'ok'; readonly param: SimParam }

/**
 * Parameters by index and by name.
 *
 * @category simulation
 */
export class SimParamStore {
  private readonly list: SimParam[] = []
  private readonly byName = new Map<string, SimParam>()

  constructor(
    readonly autopilot: 'ardupilot' | 'px4',
    defs: readonly ParamDef[],
    private readonly readOnly: ReadonlySet<string>,
  ) {
    this.add(defs)
  }

  get count(): number {
    return this.list.length
  }

  at(index: number): SimParam | undefined {
    return this.list[index]
  }

  get(name: string): SimParam | undefined {
    return this.byName.get(name)
  }

  /** Appends parameters (as ArduPilot does after enabling a subsystem): the count changes. */
  add(defs: readonly ParamDef[]): void {
    for (const d of defs) {
      if (this.byName.has(d.name)) continue
      const converted = this.autopilot === 'px4' ? toPx4(d) : d
      const p: SimParam = { ...converted, index: this.list.length, readOnly: this.readOnly.has(d.name) }
      this.list.push(p)
      this.byName.set(p.name, p)
    }
  }

  /** Applies a PARAM_SET. */
  set(name: string, bits: number): SetOutcome {
    const p = this.byName.get(name)
    if (p === undefined) return { kind: 'unknown' }
    if (this.autopilot === 'px4') {
      if (p.type === PARAM_TYPES.REAL32 && !Number.isFinite(bitsToFloat(bits)))
        return { kind: 'invalid', param: p }
      if (p.readOnly) return { kind: 'read-only', param: p }
      p.bits = bits >>> 0
      return { kind: 'ok', param: p }
    }
    const value = bitsToFloat(bits)
    if (!Number.isFinite(value)) return { kind: 'invalid', param: p }
    if (p.readOnly) return { kind: 'read-only', param: p }
    const range = PARAM_RANGES[p.type]
    if (range === undefined) p.bits = floatToBits(value)
    else {
      const v = Math.fround(value + (value < 0 ? -0.01 : 0.01))
      p.bits = floatToBits(Math.trunc(Math.min(range[1], Math.max(range[0], v))))
    }
    return { kind: 'ok', param: p }
  }
}

/** PX4 keeps INT32 and REAL32 only, integers bytewise. */
function toPx4(d: ParamDef): ParamDef {
  if (d.type === PARAM_TYPES.REAL32) return d
  return { name: d.name, type: PARAM_TYPES.INT32, bits: Math.trunc(bitsToFloat(d.bits)) >>> 0 }
}
