/**
 * The command envelope (issue 4): the fast guard and the full effect Schema decode agree on every
 * input (property test), valid commands get their defaults, and an invalid one says what is wrong.
 */
import { Either, Schema } from 'effect'
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { CommandEnvelope, MAX_COMMAND_BYTES, parseCommand } from '../../../actors/mqtt/envelope.ts'

const decode = Schema.decodeUnknownEither(CommandEnvelope)

const field = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 140 }),
  fc.constantFrom('petal-a/b', 'petal-x-1/do_it.v2', 'petal-/x', 'Petal-a/b', 'petal-a/', 'm-1'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
)

it('parseCommand says valid exactly when the schema decodes, with the same result', () => {
  fc.assert(
    fc.property(
      fc.record(
        { messageId: field, command: field, payload: field, waitResponse: field, extra: field },
        { requiredKeys: [] },
      ),
      (raw) => {
        const doc = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined))
        const parsed = parseCommand(Buffer.from(JSON.stringify(doc)))
        const full = decode(doc, { onExcessProperty: 'preserve' })
        if (Either.isRight(full)) {
          expect(parsed).toEqual({ kind: 'valid', command: full.right })
        } else {
          expect(parsed.kind).not.toBe('valid')
        }
      },
    ),
    { numRuns: 3000 },
  )
})

it('fills defaults and keeps extra fields', () => {
  const r = parseCommand(Buffer.from('{"messageId":"m","command":"petal-a/b","deviceId":"Instance-x"}'))
  expect(r).toEqual({
    kind: 'valid',
    command: {
      messageId: 'm',
      command: 'petal-a/b',
      deviceId: 'Instance-x',
      payload: {},
      waitResponse: false,
    },
  })
})

it('names every problem of an invalid envelope, and refuses one past 256 KB', () => {
  const r = parseCommand(Buffer.from('{"messageId":"m","command":"x","payload":[],"waitResponse":1}'))
  expect(r.kind).toBe('invalid')
  const problems = (r as { problems: string }).problems
  expect(problems).toMatch(/command: expected '<petal-name>\/<command>'/)
  expect(problems).toMatch(/payload: expected an object/)
  expect(problems).toMatch(/waitResponse: expected boolean/)
  const big = Buffer.from(
    JSON.stringify({ messageId: 'big', command: 'petal-a/b', payload: { s: 'x'.repeat(MAX_COMMAND_BYTES) } }),
  )
  expect(parseCommand(big)).toMatchObject({ kind: 'invalid', messageId: 'big' })
  expect(parseCommand(Buffer.from('[]')).kind).toBe('unreadable')
})
