/**
 * The last 1000 command `messageId`s (the original's window), each with the last response sent
 * for it. A repeat of a command still being handled is dropped; a repeat of one already answered
 * gets that answer again (without running the handler twice), so a sender whose response was lost
 * with a broker can simply retry. Responses past 64 KB are not kept (their repeats are dropped).
 * The answers survive a crash, `kill -9` included: the proxy journals each one with its response
 * in the outbox (`Outbox.ts`) and seeds the window from there at start. A command still running at
 * a crash has no answer yet, so a repeat of it after the restart runs again.
 */

/** Default window, as the original. */
export const DEDUP_WINDOW = 1000

const MAX_KEPT_RESPONSE_CHARS = 64 * 1024

/** What to do with an arriving `messageId`. */
export type DedupVerdict =
  | { readonly kind: 'new' }
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'answered'; readonly response: string }

/**
 * The window.
 *
 * @example
 * const dedup = new Dedup(DEDUP_WINDOW, outbox.answers) // answers from before a restart
 * dedup.check('m1') // { kind: 'new' }: run it
 * if (dedup.answered('m1', json)) await outbox.add('response', json, 'm1') // journal it as m1's answer
 * dedup.check('m1') // { kind: 'answered', response: json }: send that again
 *
 * @category internals
 */
export class Dedup {
  private readonly seen = new Map<string, string | null>()

  /** A window of `capacity` ids, seeded with earlier answers (`messageId` → response), oldest first. */
  constructor(
    private readonly capacity = DEDUP_WINDOW,
    answers: Iterable<readonly [string, string]> = [],
  ) {
    for (const [id, response] of answers) this.remember(id, response)
  }

  /** Records `id` and says whether it is new. */
  check(id: string): DedupVerdict {
    const known = this.seen.get(id)
    if (known === undefined) {
      this.remember(id, null)
      return { kind: 'new' }
    }
    return known === null ? { kind: 'in-progress' } : { kind: 'answered', response: known }
  }

  /**
   * Keeps the response sent for `id`; true when kept (`id` is still in the window and the
   * response is at most 64 KB), i.e. when it should be journaled as `id`'s answer.
   */
  answered(id: string, responseJson: string): boolean {
    if (!this.seen.has(id) || responseJson.length > MAX_KEPT_RESPONSE_CHARS) return false
    this.seen.set(id, responseJson)
    return true
  }

  /**
   * Forgets `id` while it is still in progress (a command dropped before any handler saw it), so
   * a re-send of it runs instead of being dropped as a duplicate. An answered id is kept.
   */
  forget(id: string): void {
    if (this.seen.get(id) === null) this.seen.delete(id)
  }

  get size(): number {
    return this.seen.size
  }

  private remember(id: string, response: string | null): void {
    this.seen.set(id, response)
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!)
  }
}
