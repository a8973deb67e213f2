/**
 * The original's device scoping, switchable (`PETAL_CLOUD_DEVICE_SCOPING`, default on): every
 * write is stamped with `robot_instance_id = <machineId>`; reads keep only this device's items
 * that are not soft-deleted (`deleted: true`); deletes are soft. With scoping off, items are read
 * and written as they are and deletes are real.
 */
import { type CloudFailure, cloudFailure } from './cloudResults.ts'

/** The attribute naming the device that owns an item. */
export const SCOPE_ATTRIBUTE = 'robot_instance_id'

/** The scope of a call: the machine id, or undefined when scoping is off. */
export type Scope = { readonly machineId: string } | undefined

/** The scope for `options`, or the original's failure when scoping needs a machine id it lacks. */
export function scopeOf(deviceScoping: boolean, machineId: string | undefined): Scope | CloudFailure {
  if (!deviceScoping) return undefined
  if (machineId === undefined) return cloudFailure('MACHINE_ID_MISSING', 'Machine ID not available')
  return { machineId }
}

/** True when `s` is a failure rather than a scope. */
export function isFailure(s: Scope | CloudFailure): s is CloudFailure {
  return s !== undefined && 'success' in s
}

/** Stamps an item for writing. */
export function stamp(item: Record<string, unknown>, scope: Scope): Record<string, unknown> {
  return scope === undefined ? item : { ...item, [SCOPE_ATTRIBUTE]: scope.machineId }
}

/** True when an item read back is visible to this device. */
export function visible(item: Record<string, unknown>, scope: Scope): boolean {
  return scope === undefined || (item.deleted !== true && item[SCOPE_ATTRIBUTE] === scope.machineId)
}

/** The original's verdict on a single item read back: undefined when visible, else the failure. */
export function itemVerdict(
  item: Record<string, unknown> | undefined,
  scope: Scope,
): CloudFailure | undefined {
  if (item === undefined) return cloudFailure('NOT_FOUND', 'Item not found')
  if (scope === undefined) return undefined
  if (item.deleted === true) return cloudFailure('NOT_FOUND', 'Item not found or has been deleted')
  if (item[SCOPE_ATTRIBUTE] !== scope.machineId)
    return cloudFailure('ACCESS_DENIED', 'Item not found or access denied')
  return undefined
}
