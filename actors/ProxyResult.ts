/**
 * The result shape of the storage proxies' methods (bucket, cloud DB), as the original's petals
 * expect: `{ success: true, ...data }` or `{ success: false, error, code, ...details }`. A method
 * returning it never throws for a backend problem; each kind names its own error codes.
 */

/**
 * A failed call: `error` says what was expected and what happened, `code` is one of the kind's
 * codes, any other field is a detail.
 *
 * @category errors
 */
export interface ProxyFailure<C extends string> {
  readonly success: false
  readonly error: string
  readonly code: C
  readonly [detail: string]: unknown
}

/**
 * A call's result: its data with `success: true`, or a {@link ProxyFailure}.
 *
 * @category models
 */
export type ProxyResult<T extends object, C extends string> =
  | ({ readonly success: true } & T)
  | ProxyFailure<C>

/**
 * Builds a failure; `details` are spread beside `error` and `code`.
 *
 * @example
 * ```ts
 * proxyFailure('NOT_FOUND', 'File not found') // { success: false, error: 'File not found', code: 'NOT_FOUND' }
 * ```
 * @category constructors
 */
export function proxyFailure<C extends string>(
  code: C,
  error: string,
  details: Record<string, unknown> = {},
): ProxyFailure<C> {
  return { success: false, error, code, ...details }
}
