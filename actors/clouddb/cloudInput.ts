/**
 * Checks of what callers pass to the cloud DB before anything is sent: a table name as DynamoDB
 * allows (`[A-Za-z0-9_.-]`, 3 to 255), a key as a non-empty object of attribute values, an item as
 * a plain object, and attribute names that are neither empty nor ours to set (`_sync_version`).
 */
import { type CloudFailure, cloudFailure } from './cloudResults.ts'

const TABLE = /^[A-Za-z0-9_.-]{3,255}$/

/** A failure when `table` is not a table name. */
export function tableProblem(table: unknown): CloudFailure | undefined {
  return typeof table === 'string' && TABLE.test(table)
    ? undefined
    : cloudFailure(
        'VALIDATION_ERROR',
        `table: expected a DynamoDB table name ([A-Za-z0-9_.-], 3 to 255 characters), found ${JSON.stringify(table)}`,
      )
}

/** A failure when `value` is not a non-empty plain object. */
export function objectProblem(value: unknown, what: string): CloudFailure | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return cloudFailure(
      'VALIDATION_ERROR',
      `${what}: expected an object of attributes, found ${Array.isArray(value) ? 'an array' : String(value)}`,
    )
  const names = Object.keys(value)
  if (names.length === 0)
    return cloudFailure('VALIDATION_ERROR', `${what}: expected at least one attribute, found none`)
  if (names.some((n) => n === ''))
    return cloudFailure('VALIDATION_ERROR', `${what}: attribute names must not be empty`)
  return undefined
}
