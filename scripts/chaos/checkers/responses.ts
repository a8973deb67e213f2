/**
 * `responses`: every MQTT command sent with `waitResponse` got exactly one answer. The same answer
 * delivered again (byte-identical, timestamp included: a re-send from the outbox, or dedup
 * answering a repeated `messageId`) is at-least-once delivery at work: counted, not failed. No
 * answer is a lost command; two different answers (even if only their timestamps differ, the
 * handler ran again) are a command answered twice.
 */
import type { CommandRecord, History } from '../history.ts'
import { type InvariantResult, ViolationLog } from './invariant.ts'
import { seconds } from './statistics.ts'

/**
 * Checks that each command got exactly one distinct response per `messageId`.
 *
 * @example
 * checkResponses(history).figure // '412 commands: 412 answered, 37 duplicate answers (at-least-once), 0 lost, 0 answered twice'
 *
 * @category invariants
 */
export function checkResponses(history: History): InvariantResult {
  const log = new ViolationLog()
  let answered = 0
  let duplicates = 0
  let lost = 0
  let conflicting = 0
  for (const c of history.commands) {
    const firstSent = c.sentAt[0]
    const lastSent = c.sentAt.at(-1)
    if (c.responses.length === 0) {
      lost++
      const sends = `sent ${c.sentAt.length}x from t=${seconds(firstSent ?? 0)}`
      log.add(`${c.messageId} (${c.command}): no response (${sends})`, firstSent, lastSent)
      continue
    }
    answered++
    const bodies = new Set(c.responses.map((r) => r.body))
    if (bodies.size === 1) {
      duplicates += c.responses.length - 1
      continue
    }
    conflicting++
    log.add(
      `${c.messageId} (${c.command}): answered ${bodies.size} times differently: ${describe(c)}`,
      firstSent ?? c.responses[0]!.at,
      c.responses.at(-1)!.at,
    )
  }
  const figure =
    `${history.commands.length} commands: ${answered} answered, ` +
    `${duplicates} duplicate answers (at-least-once), ${lost} lost, ${conflicting} answered twice`
  return log.result('responses', figure)
}

/** The first two distinct responses, with their time and status, bodies cut to 80 characters. */
function describe(c: CommandRecord): string {
  const seen = new Map<string, string>()
  for (const r of c.responses) {
    if (!seen.has(r.body)) seen.set(r.body, `t=${seconds(r.at)} ${r.status} ${cut(r.body)}`)
  }
  return [...seen.values()].slice(0, 2).join(' vs ')
}

function cut(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}
