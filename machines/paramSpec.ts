/**
 * Validates the input of a bulk parameter set before any frame is sent: `{ NAME: value }`,
 * `{ NAME: [value, type] }` or `{ NAME: { value, type } }`. Types are MAV_PARAM_TYPE names (`INT8`,
 * `MAV_PARAM_TYPE_REAL32`, any case) or ids; 64-bit types are refused. Without a type, the type
 * last seen for that name is used, else an integer is INT32 and anything else REAL32 (the
 * original's rule). Names are 1 to 16 printable ASCII characters. Every problem is collected into
 * one `ParamSpecError` (code VALIDATION_ERROR).
 */
import { isSettableType, PARAM_RANGES, PARAM_TYPES, type ParamTypeName, paramTypeName } from './paramValue.ts'

/** One entry of the bulk-set input. */
export type ParamSpecInput =
  | number
  | boolean
  | readonly [unknown, unknown]
  | { readonly value: unknown; readonly type?: unknown }

/** A validated parameter to set. */
export interface ParamToSet {
  readonly name: string
  readonly value: number
  readonly type: number
}

/**
 * The bulk-set input was invalid; nothing was sent.
 *
 * @category errors
 */
export class ParamSpecError extends Error {
  readonly code = 'VALIDATION_ERROR'
  constructor(readonly problems: readonly string[]) {
    super(`invalid parameters: ${problems.join('; ')}`)
    this.name = 'ParamSpecError'
  }
}

/**
 * A MAV_PARAM_TYPE id from a name (`'int8'`, `'MAV_PARAM_TYPE_REAL32'`) or an id; throws a
 * `ParamSpecError` for anything else.
 *
 * @category validation
 */
export function parseParamType(spec: unknown): number {
  if (typeof spec === 'number' && Number.isInteger(spec) && spec >= 1 && spec <= 10) return spec
  if (typeof spec === 'string') {
    const key = spec
      .trim()
      .toUpperCase()
      .replace(/^MAV_PARAM_TYPE_/, '')
    if (key in PARAM_TYPES) return PARAM_TYPES[key as ParamTypeName]
    if (/^\d+$/.test(key)) return parseParamType(Number(key))
  }
  throw new ParamSpecError([
    `unsupported param type ${JSON.stringify(spec)}: expected UINT8, INT8, UINT16, INT16, UINT32, INT32 or REAL32 (a name, MAV_PARAM_TYPE_* name, or id 1..9)`,
  ])
}

/** The problem with parameter name `name`, or undefined when it is valid. */
export function paramNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a parameter name must not be empty'
  if (name.length > 16) return `parameter name '${name}' is ${name.length} characters; at most 16 fit`
  if (!/^[\x21-\x7e]+$/.test(name))
    return `parameter name ${JSON.stringify(name)} must be printable ASCII without spaces`
  return undefined
}

/**
 * Validates and normalises the whole input; throws one `ParamSpecError` listing every problem.
 *
 * @example
 * normalizeParamSpecs({ RTL_ALT: 1500, WPNAV_SPEED: [500.5, 'REAL32'], SYSID_THISMAV: { value: 2, type: 'UINT8' } })
 *
 * @category validation
 */
export function normalizeParamSpecs(
  input: unknown,
  knownType: (name: string) => number | undefined = () => undefined,
): ParamToSet[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ParamSpecError([`expected an object { NAME: value | [value, type] | { value, type } }`])
  }
  const problems: string[] = []
  const out: ParamToSet[] = []
  for (const [rawName, spec] of Object.entries(input as Record<string, unknown>)) {
    const name = rawName.replace(/\0+$/, '')
    const nameProblem = paramNameProblem(name)
    if (nameProblem !== undefined) {
      problems.push(nameProblem)
      continue
    }
    let value: unknown
    let typeSpec: unknown
    if (Array.isArray(spec)) {
      if (spec.length !== 2) {
        problems.push(`${name}: a tuple must be [value, type], found ${spec.length} items`)
        continue
      }
      ;[value, typeSpec] = spec
    } else if (typeof spec === 'object' && spec !== null) {
      if (!('value' in spec)) {
        problems.push(`${name}: an object spec must include 'value'`)
        continue
      }
      value = (spec as { value: unknown }).value
      typeSpec = (spec as { type?: unknown }).type
    } else {
      value = spec
    }
    if (typeof value === 'boolean') value = value ? 1 : 0
    if (value === undefined || value === null) {
      problems.push(`${name}: missing value`)
      continue
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`${name}: expected a finite number, found ${JSON.stringify(value)}`)
      continue
    }
    let type: number
    if (typeSpec === undefined || typeSpec === null) {
      type = knownType(name) ?? (Number.isInteger(value) ? PARAM_TYPES.INT32 : PARAM_TYPES.REAL32)
    } else {
      try {
        type = parseParamType(typeSpec)
      } catch (e) {
        problems.push(`${name}: ${(e as ParamSpecError).problems[0]}`)
        continue
      }
    }
    if (!isSettableType(type)) {
      problems.push(
        `${name}: ${paramTypeName(type)} cannot be sent in PARAM_SET (64-bit types need PARAM_EXT_*); use a type of 32 bits or less`,
      )
      continue
    }
    const range = PARAM_RANGES[type]
    if (range !== undefined) {
      if (!Number.isInteger(value)) {
        problems.push(`${name}: ${paramTypeName(type)} needs an integer, found ${value}`)
        continue
      }
      if (value < range[0] || value > range[1]) {
        problems.push(
          `${name}: value ${value} out of range for ${paramTypeName(type)} [${range[0]}, ${range[1]}]`,
        )
        continue
      }
    } else if (Math.abs(value) > 3.4028234663852886e38) {
      problems.push(`${name}: value ${value} out of range for REAL32`)
      continue
    }
    out.push({ name, value, type })
  }
  if (problems.length > 0) throw new ParamSpecError(problems)
  return out
}
