/**
 * The inbound command envelope on `command/edge`, as an effect `Schema`: a JSON object with
 * `messageId` (a string of 1 to 128 characters), `command` (`<petal-name>/<command>`), `payload`
 * (an object; `{}` when absent) and `waitResponse` (a boolean; false when absent). Other fields
 * (`deviceId`, `timestamp`...) are kept. At most 256 KB. An envelope that fails but has a readable
 * `messageId` is answered `VALIDATION_ERROR`; one without is dropped and counted.
 */
import * as Either from 'effect/Either'
import * as ParseResult from 'effect/ParseResult'
import * as Schema from 'effect/Schema'

/** Largest accepted command, bytes. */
export const MAX_COMMAND_BYTES = 256 * 1024

/** Longest accepted `messageId`. */
export const MAX_MESSAGE_ID_LENGTH = 128

const MessageId = Schema.String.pipe(
  Schema.minLength(1),
  Schema.maxLength(MAX_MESSAGE_ID_LENGTH),
).annotations({ identifier: `a string of 1 to ${MAX_MESSAGE_ID_LENGTH} characters` })

const CommandName = Schema.String.pipe(
  Schema.pattern(/^petal-[a-z0-9][a-z0-9-]*\/[A-Za-z0-9_][A-Za-z0-9_.-]*$/, {
    message: (issue) =>
      `Expected '<petal-name>/<command>' (e.g. 'petal-example/ping'), actual ${JSON.stringify(issue.actual)}`,
  }),
)

const Payload = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  identifier: 'an object',
})

/** The envelope schema. */
export const CommandEnvelope = Schema.Struct({
  messageId: MessageId,
  command: CommandName,
  payload: Schema.optionalWith(Payload, { default: () => ({}) }),
  waitResponse: Schema.optionalWith(Schema.Boolean, { default: () => false }),
})

/** A valid command. */
export type CommandEnvelope = Schema.Schema.Type<typeof CommandEnvelope> & {
  readonly [field: string]: unknown
}

/** The outcome of reading one `command/edge` message. */
export type ParsedCommand =
  | { readonly kind: 'valid'; readonly command: CommandEnvelope }
  /** Invalid, but the sender can be told: answer VALIDATION_ERROR to `messageId`. */
  | { readonly kind: 'invalid'; readonly messageId: string; readonly problems: string }
  /** Unreadable (not JSON, not an object, no usable messageId): drop and count. */
  | { readonly kind: 'unreadable'; readonly problems: string }

const decode = Schema.decodeUnknownEither(CommandEnvelope)
// The same schema's encoded side, as a guard: about 4 us where a full decode takes 15. The full
// decode runs only for invalid input, to say what is wrong (test/actors/mqtt/envelope.test.ts
// checks that both agree).
const isEnvelope = Schema.is(Schema.encodedBoundSchema(CommandEnvelope))

/**
 * Parses and validates one message.
 *
 * @example
 * parseCommand(Buffer.from('{"messageId":"m1","command":"petal-example/ping"}')).kind // 'valid'
 *
 * @category wire
 */
export function parseCommand(bytes: Buffer): ParsedCommand {
  if (bytes.length > 4 * MAX_COMMAND_BYTES)
    return {
      kind: 'unreadable',
      problems: `${bytes.length} bytes, far past the ${MAX_COMMAND_BYTES} byte limit`,
    }
  let doc: unknown
  try {
    doc = JSON.parse(bytes.toString('utf8'))
  } catch (e) {
    return { kind: 'unreadable', problems: `not JSON (${(e as Error).message})` }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return {
      kind: 'unreadable',
      problems: `expected a JSON object, found ${Array.isArray(doc) ? 'an array' : typeof doc}`,
    }
  const id = (doc as Record<string, unknown>).messageId
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_MESSAGE_ID_LENGTH)
    return {
      kind: 'unreadable',
      problems: `messageId: expected a string of 1 to ${MAX_MESSAGE_ID_LENGTH} characters`,
    }
  if (bytes.length > MAX_COMMAND_BYTES)
    return {
      kind: 'invalid',
      messageId: id,
      problems: `expected at most ${MAX_COMMAND_BYTES} bytes, found ${bytes.length}`,
    }
  if (isEnvelope(doc)) {
    const d = doc as Record<string, unknown>
    return {
      kind: 'valid',
      command: { ...d, payload: d.payload ?? {}, waitResponse: d.waitResponse ?? false } as CommandEnvelope,
    }
  }
  const r = decode(doc, { errors: 'all', onExcessProperty: 'preserve' })
  if (Either.isRight(r)) return { kind: 'valid', command: r.right as CommandEnvelope }
  const problems = ParseResult.ArrayFormatter.formatErrorSync(r.left)
    .filter((i) => !i.message.startsWith('Expected undefined'))
    .map(
      (i) =>
        `${i.path.join('.')}: ${i.message.replace(/^Expected /, 'expected ').replace(/, actual /, ', found ')}`,
    )
  return { kind: 'invalid', messageId: id, problems: problems.join('; ') }
}
