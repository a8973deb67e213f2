/**
 * Decoding with an effect `Schema` into `ConfigIssue`s: every problem at once, each with its dotted
 * key, the expected form and the value found. Effect reports an `optional` field twice (the real
 * problem, then "Expected undefined"); the echo is dropped.
 */
import * as Either from 'effect/Either'
import * as ParseResult from 'effect/ParseResult'
import * as Schema from 'effect/Schema'
import type { ConfigIssue } from './ConfigError.ts'

/** Decodes `input`, or returns the issues (excess keys are issues unless `allowExcess`). */
export function decodeWith<A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown,
  source: string,
  options: { readonly allowExcess?: boolean; readonly keyPrefix?: string } = {},
): { readonly value: A } | { readonly issues: ConfigIssue[] } {
  const result = Schema.decodeUnknownEither(schema)(input, {
    errors: 'all',
    onExcessProperty: options.allowExcess ? 'ignore' : 'error',
  })
  if (Either.isRight(result)) return { value: result.right }
  const raw = ParseResult.ArrayFormatter.formatErrorSync(result.left)
  const issues: ConfigIssue[] = []
  for (const i of raw) {
    if (i.message.startsWith('Expected undefined, actual')) continue
    const key = [options.keyPrefix, ...i.path.map(String)]
      .filter((k) => k !== undefined && k !== '')
      .join('.')
    const m = /^Expected (.*?), actual (.*)$/s.exec(i.message)
    const undecodable = /^Unable to decode (.*) into (.*)$/s.exec(i.message)
    if (i._tag === 'Unexpected') {
      const known = i.message
        .replace(/^is unexpected, expected: /, '')
        .replaceAll('"', '')
        .replaceAll(' | ', ', ')
      issues.push({
        source,
        key,
        expected: `one of the known keys (${known})`,
        found: `unknown key '${String(i.path.at(-1))}'`,
      })
    } else if (m !== null) {
      issues.push({ source, key, expected: m[1]!, found: m[2]! })
    } else if (undecodable !== null) {
      issues.push({ source, key, expected: undecodable[2]!, found: undecodable[1]! })
    } else {
      issues.push({ source, key, expected: i.message, found: 'something else' })
    }
  }
  return { issues }
}
