/**
 * Who listens to which redis channel or pattern. Each owner (a petal incarnation, or a standalone
 * caller) has at most one callback per channel and per pattern (a later subscribe replaces it, as
 * in the original); several owners may share one. The registry outlives a proxy incarnation, so a
 * restarted proxy subscribes everything again; the server is asked to subscribe only when a target
 * gets its first listener, and to unsubscribe when it loses its last.
 */

/** A message received from redis pub/sub. */
export interface RedisMessage {
  readonly channel: string
  readonly message: string
  /** The pattern that matched, for pattern subscriptions. */
  readonly pattern?: string
}

/** Channel (`SUBSCRIBE`) or pattern (`PSUBSCRIBE`). */
export type SubscriptionKind = 'channel' | 'pattern'

/** One listener. */
export interface Subscriber {
  /** Unique per owner; one callback per owner and target. */
  readonly owner: string
  deliver(message: RedisMessage): void
}

/**
 * The listener registry.
 *
 * @category internals
 */
export class Subscriptions {
  private readonly channels = new Map<string, Map<string, Subscriber>>()
  private readonly patterns = new Map<string, Map<string, Subscriber>>()

  private table(kind: SubscriptionKind): Map<string, Map<string, Subscriber>> {
    return kind === 'channel' ? this.channels : this.patterns
  }

  /** Adds (or replaces) `sub` on `target`; true when `target` had no listener before. */
  add(kind: SubscriptionKind, target: string, sub: Subscriber): boolean {
    const t = this.table(kind)
    const listeners = t.get(target)
    if (listeners === undefined) {
      t.set(target, new Map([[sub.owner, sub]]))
      return true
    }
    listeners.set(sub.owner, sub)
    return false
  }

  /** Removes `owner`'s listener of `target`; true when `target` has no listener left. */
  remove(kind: SubscriptionKind, target: string, owner: string): boolean {
    const t = this.table(kind)
    const listeners = t.get(target)
    if (listeners === undefined || !listeners.delete(owner)) return false
    if (listeners.size > 0) return false
    t.delete(target)
    return true
  }

  /** Removes every listener of `owner`; returns the targets left without listener. */
  removeOwner(owner: string): { readonly channels: string[]; readonly patterns: string[] } {
    const emptied = (kind: SubscriptionKind): string[] =>
      [...this.table(kind).keys()].filter((target) => this.remove(kind, target, owner))
    return { channels: emptied('channel'), patterns: emptied('pattern') }
  }

  /** Hands `message` to every listener of `target`; returns how many got it. */
  deliver(kind: SubscriptionKind, target: string, message: RedisMessage): number {
    const listeners = this.table(kind).get(target)
    if (listeners === undefined) return 0
    for (const sub of listeners.values()) sub.deliver(message)
    return listeners.size
  }

  /** Targets with at least one listener. */
  targets(kind: SubscriptionKind): string[] {
    return [...this.table(kind).keys()]
  }

  /** Listeners in total (health's `active_handlers`). */
  get listenerCount(): number {
    let n = 0
    for (const t of [this.channels, this.patterns]) for (const l of t.values()) n += l.size
    return n
  }
}
