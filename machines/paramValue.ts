/**
 * Parameter values on the wire. PARAM_VALUE and PARAM_SET carry a float32 plus a MAV_PARAM_TYPE;
 * ArduPilot converts integers to that float (C-cast, exact only up to 2^24), PX4 copies the
 * integer's bytes into it (bytewise). Values travel here as the raw uint32 bits, never through a
 * JS float, so a bytewise integer whose bits look like a signalling NaN is kept unchanged.
 * 64-bit types cannot travel in PARAM_SET and are refused.
 */

/** MAV_PARAM_TYPE ids by name. */
export const PARAM_TYPES = {
  UINT8: 1,
  INT8: 2,
  UINT16: 3,
  INT16: 4,
  UINT32: 5,
  INT32: 6,
  UINT64: 7,
  INT64: 8,
  REAL32: 9,
  REAL64: 10,
} as const

/** A MAV_PARAM_TYPE name. */
export type ParamTypeName = keyof typeof PARAM_TYPES

/** How integers are carried in the float field. */
export type ParamEncoding = 'c-cast' | 'bytewise'

const NAMES: Record<number, ParamTypeName> = Object.fromEntries(
  Object.entries(PARAM_TYPES).map(([k, v]) => [v, k as ParamTypeName]),
)

/** Integer ranges of the 8-, 16- and 32-bit types. */
export const PARAM_RANGES: Readonly<Record<number, readonly [number, number]>> = {
  1: [0, 255],
  2: [-128, 127],
  3: [0, 65535],
  4: [-32768, 32767],
  5: [0, 4294967295],
  6: [-2147483648, 2147483647],
}

/** The name of type id `type` (`'INT8'`), or `UNKNOWN(n)`. */
export function paramTypeName(type: number): string {
  return NAMES[type] ?? `UNKNOWN(${type})`
}

/** True for the types PARAM_SET can carry (8 to 32 bits, and REAL32). */
export function isSettableType(type: number): boolean {
  return (type >= 1 && type <= 6) || type === 9
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** The bits of `value` rounded to float32. */
export function floatToBits(value: number): number {
  f32[0] = value
  return u32[0]!
}

/** The float32 whose bits are `bits` (may be NaN: only for display, never re-encoded). */
export function bitsToFloat(bits: number): number {
  u32[0] = bits >>> 0
  return f32[0]!
}

/**
 * The wire bits of `value` as type `type` under `encoding`. The value must already be valid for
 * the type (see `paramSpec.ts`).
 *
 * @example
 * encodeParamBits(-1, PARAM_TYPES.INT8, 'bytewise') // 0x000000ff
 * encodeParamBits(-1, PARAM_TYPES.INT8, 'c-cast')   // bits of -1.0f, 0xbf800000
 *
 * @category codec
 */
export function encodeParamBits(value: number, type: number, encoding: ParamEncoding): number {
  if (type === PARAM_TYPES.REAL32 || encoding === 'c-cast') return floatToBits(value)
  switch (type) {
    case 1:
    case 2:
      return value & 0xff
    case 3:
    case 4:
      return value & 0xffff
    default:
      return value >>> 0
  }
}

/**
 * The value carried by wire `bits` of type `type` under `encoding`: a float for REAL32 (and for
 * every C-cast type), a sign-extended integer for bytewise integers.
 *
 * @category codec
 */
export function decodeParamBits(bits: number, type: number, encoding: ParamEncoding): number {
  if (type === PARAM_TYPES.REAL32 || encoding === 'c-cast' || !(type >= 1 && type <= 6))
    return bitsToFloat(bits)
  switch (type) {
    case 1:
      return bits & 0xff
    case 2:
      return (bits << 24) >> 24
    case 3:
      return bits & 0xffff
    case 4:
      return (bits << 16) >> 16
    case 5:
      return bits >>> 0
    default:
      return bits | 0
  }
}

/**
 * True when an echoed value equals the requested one exactly: REAL32 through `Math.fround`,
 * integers exactly (a C-cast integer past 2^24 that float32 cannot hold never matches, and is
 * reported as adjusted, which is the truth).
 */
export function sameParamValue(requested: number, requestedType: number, echoed: number): boolean {
  if (requestedType === PARAM_TYPES.REAL32) {
    const want = Math.fround(requested)
    return want === echoed || (Number.isNaN(want) && Number.isNaN(echoed))
  }
  return requested === echoed
}
