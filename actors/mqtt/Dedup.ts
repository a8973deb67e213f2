/**
 * The last 1000 command `messageId`s (the original's window), each with the last response sent
 * for it. A repeat of a command still being handled is dropped; a repeat of one already answered
 * gets that answer again (without running the handler twice), so a sender whose response was lost
 * with a broker can simply retry. Responses past 64 KB are not kept (their repeats are dropped).
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
 * @category internals
 */
export class Dedup {
  private readonly seen = new Map<string, string | null>()

  constructor(private readonly capacity = DEDUP_WINDOW) {}

  /** Records `id` and says whether it is new. */
  check(id: string): DedupVerdict {
    const known = this.seen.get(id)
    if (known === undefined) {
      this.seen.set(id, null)
      if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!)
      return { kind: 'new' }
    }
    return known === null ? { kind: 'in-progress' } : { kind: 'answered', response: known }
  }

  /** Keeps the response sent for `id` (when `id` is still in the window). */
  answered(id: string, responseJson: string): void {
    if (this.seen.has(id) && responseJson.length <= MAX_KEPT_RESPONSE_CHARS) this.seen.set(id, responseJson)
  }

  get size(): number {
    return this.seen.size
  }
}
