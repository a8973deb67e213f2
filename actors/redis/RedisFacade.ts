/**
 * What a petal calls: `ctx.proxy('redis')`. The guide's methods, each a message to the redis proxy
 * actor. While redis is away a call fails fast with `ProxyUnavailable`; with `{ timeoutMs }` it
 * waits up to that long for the connection instead. A bad argument throws `TypeError` at once and
 * sends nothing. Subscription callbacks of a petal run as messages in its own mailbox (one at a
 * time with its handlers) and end with its incarnation; a standalone caller's run directly, and a
 * throw there is logged, not fatal.
 */
import type { ActorRef, Logger } from '../../runtime/kernel/index.ts'
import { describeError } from '../../runtime/kernel/index.ts'
import type { FacadeOwner } from '../ProxyKind.ts'
import type { RedisOpArgs, RedisOpName, RedisOpResult, RedisValue } from './redisOps.ts'
import type { RedisHealth, RedisMsg } from './redisProtocol.ts'
import type { RedisMessage, SubscriptionKind } from './Subscriptions.ts'

/** Options every call accepts. */
export interface RedisCallOptions {
  /** Wait up to this long (ms) for a connection instead of failing fast; also the call's limit. */
  readonly timeoutMs?: number
}

/** A subscription callback: the channel, the message, and the pattern that matched (psubscribe). */
export type RedisCallback = (channel: string, message: string, pattern?: string) => unknown

/** Limit of a call that does not set `timeoutMs`, ms. */
export const DEFAULT_REDIS_CALL_MS = 10_000

let ownerSeq = 0

/**
 * The redis facade.
 *
 * @example
 * const redis = ctx.proxy('redis')
 * await redis.set('flight:42:telemetry', JSON.stringify(t), { ex: 60 })
 * await redis.subscribe('/petal-foo/events', (channel, message) => ctx.log.info({ message }, channel))
 *
 * @category proxies
 */
export class RedisFacade {
  private readonly ownerId: string

  constructor(
    private readonly ref: ActorRef<RedisMsg>,
    private readonly owner?: FacadeOwner,
    private readonly log?: Logger,
  ) {
    this.ownerId = owner === undefined ? 'standalone' : `${owner.name}#${++ownerSeq}`
    owner?.onCleanup(() => {
      this.ref.tell({ type: 'unsubscribe-owner', owner: this.ownerId })
    })
  }

  /** The same proxy, with callbacks run in `owner`'s mailbox. */
  ownedBy(owner: FacadeOwner): RedisFacade {
    return new RedisFacade(this.ref, owner, this.log)
  }

  get(key: string, o?: RedisCallOptions): Promise<string | null> {
    return this.call('get', [str('key', key)], o)
  }

  /** Sets `key`; `ex` is a time to live in seconds. Resolves true when redis answered OK. */
  set(key: string, value: RedisValue, o?: RedisCallOptions & { readonly ex?: number }): Promise<boolean> {
    const ex = o?.ex
    if (ex !== undefined && (!Number.isInteger(ex) || ex <= 0))
      throw new TypeError(`ex: expected a positive integer of seconds, found ${JSON.stringify(ex)}`)
    return this.call(
      'set',
      [str('key', key), val('value', value), ...(ex === undefined ? [] : [ex])] as never,
      o,
    )
  }

  /** Deletes keys; resolves with how many existed. */
  delete(keys: string | readonly string[], o?: RedisCallOptions): Promise<number> {
    const list = typeof keys === 'string' ? [keys] : [...keys]
    if (list.length === 0) return Promise.resolve(0)
    return this.call(
      'delete',
      list.map((k) => str('key', k)),
      o,
    )
  }

  exists(key: string, o?: RedisCallOptions): Promise<boolean> {
    return this.call('exists', [str('key', key)], o)
  }

  /** Sets a time to live on `key`, in seconds; resolves false when the key does not exist. */
  expire(key: string, seconds: number, o?: RedisCallOptions): Promise<boolean> {
    if (!Number.isInteger(seconds) || seconds <= 0)
      throw new TypeError(`seconds: expected a positive integer, found ${JSON.stringify(seconds)}`)
    return this.call('expire', [str('key', key), seconds], o)
  }

  /** `hset(key, field, value)` or `hset(key, { field: value, ... })`; resolves with fields added. */
  hset(
    key: string,
    field: string | Readonly<Record<string, RedisValue>>,
    value?: RedisValue,
    o?: RedisCallOptions,
  ): Promise<number> {
    const fields: Record<string, RedisValue> = {}
    if (typeof field === 'string') fields[field] = val('value', value)
    else if (typeof field === 'object' && field !== null) {
      for (const [k, v] of Object.entries(field)) fields[k] = val(`fields.${k}`, v)
    } else throw new TypeError(`field: expected a string or a map of fields, found ${JSON.stringify(field)}`)
    if (Object.keys(fields).length === 0) throw new TypeError('fields: expected at least one field')
    return this.call('hset', [str('key', key), fields], o)
  }

  hget(key: string, field: string, o?: RedisCallOptions): Promise<string | null> {
    return this.call('hget', [str('key', key), str('field', field)], o)
  }

  hgetall(key: string, o?: RedisCallOptions): Promise<Record<string, string>> {
    return this.call('hgetall', [str('key', key)], o)
  }

  hdel(key: string, fields: string | readonly string[], o?: RedisCallOptions): Promise<number> {
    const list = typeof fields === 'string' ? [fields] : [...fields]
    return this.call('hdel', [str('key', key), ...list.map((f) => str('field', f))], o)
  }

  /** Pushes to the head of a list; resolves with its new length. */
  lpush(key: string, values: RedisValue | readonly RedisValue[], o?: RedisCallOptions): Promise<number> {
    return this.call('lpush', [str('key', key), ...vals(values)], o)
  }

  /** Pushes to the tail of a list; resolves with its new length. */
  rpush(key: string, values: RedisValue | readonly RedisValue[], o?: RedisCallOptions): Promise<number> {
    return this.call('rpush', [str('key', key), ...vals(values)], o)
  }

  lrange(key: string, start: number, stop: number, o?: RedisCallOptions): Promise<string[]> {
    if (!Number.isInteger(start) || !Number.isInteger(stop))
      throw new TypeError(`start, stop: expected integers, found ${start}, ${stop}`)
    return this.call('lrange', [str('key', key), start, stop], o)
  }

  /** Publishes; an object is sent as JSON. Resolves with how many subscribers got it. */
  publish(channel: string, message: RedisValue | object, o?: RedisCallOptions): Promise<number> {
    const text = typeof message === 'object' && !Buffer.isBuffer(message) ? JSON.stringify(message) : message
    return this.call('publish', [str('channel', channel), val('message', text)], o)
  }

  /** Every key matching `pattern` (default `*`), by a full SCAN loop of `count` per step (100). */
  scanKeys(
    q: { readonly pattern?: string; readonly count?: number } = {},
    o?: RedisCallOptions,
  ): Promise<string[]> {
    const count = q.count ?? 100
    if (!Number.isInteger(count) || count <= 0)
      throw new TypeError(`count: expected a positive integer, found ${JSON.stringify(count)}`)
    return this.call('scanKeys', [str('pattern', q.pattern ?? '*'), count], o)
  }

  /** Calls `callback` for each message on `channel` (replacing this caller's earlier callback). */
  subscribe(channel: string, callback: RedisCallback): Promise<void> {
    return this.listen('channel', str('channel', channel), callback)
  }

  /** Calls `callback` for each message on a channel matching `pattern` (glob, e.g. `/petal-*`). */
  psubscribe(pattern: string, callback: RedisCallback): Promise<void> {
    return this.listen('pattern', str('pattern', pattern), callback)
  }

  /** Stops this caller's callback on `channel`. */
  async unsubscribe(channel: string): Promise<void> {
    await this.ref.ask({ type: 'unsubscribe', kind: 'channel', target: channel, owner: this.ownerId })
  }

  /** Stops this caller's callback on `pattern`. */
  async punsubscribe(pattern: string): Promise<void> {
    await this.ref.ask({ type: 'unsubscribe', kind: 'pattern', target: pattern, owner: this.ownerId })
  }

  /** Health from cached state, in the original's shape (no network). */
  healthCheck(): Promise<RedisHealth> {
    return this.ref.ask({ type: 'health' }, { timeoutMs: 2000 })
  }

  /** @internal A raw listener (the `on: { 'redis:<channel>' }` path); returns its remover. */
  listenRaw(
    kind: SubscriptionKind,
    target: string,
    owner: string,
    deliver: (m: RedisMessage) => void,
  ): () => void {
    this.ref.tell({ type: 'subscribe', kind, target, subscriber: { owner, deliver } })
    return () => {
      this.ref.tell({ type: 'unsubscribe', kind, target, owner })
    }
  }

  private async listen(kind: SubscriptionKind, target: string, callback: RedisCallback): Promise<void> {
    if (typeof callback !== 'function') throw new TypeError('callback: expected a function')
    const owner = this.owner
    const log = this.log
    const deliver =
      owner === undefined
        ? (m: RedisMessage) => {
            try {
              const r = callback(m.channel, m.message, m.pattern)
              if (r instanceof Promise)
                r.catch((e: unknown) =>
                  log?.error({ err: e }, `redis callback on ${target}: ${describeError(e)}`),
                )
            } catch (e) {
              log?.error({ err: e }, `redis callback on ${target}: ${describeError(e)}`)
            }
          }
        : (m: RedisMessage) => owner.run(() => callback(m.channel, m.message, m.pattern))
    await this.ref.ask(
      { type: 'subscribe', kind, target, subscriber: { owner: this.ownerId, deliver } },
      { timeoutMs: DEFAULT_REDIS_CALL_MS },
    )
  }

  private call<K extends RedisOpName>(
    op: K,
    args: RedisOpArgs<K>,
    o: RedisCallOptions | undefined,
  ): Promise<RedisOpResult<K>> {
    const waitMs = o?.timeoutMs ?? 0
    if (!Number.isFinite(waitMs) || waitMs < 0)
      throw new TypeError(`timeoutMs: expected a number of ms >= 0, found ${JSON.stringify(o?.timeoutMs)}`)
    return this.ref.ask(
      { type: 'call', op, args, waitMs },
      { timeoutMs: waitMs > 0 ? waitMs + 1000 : DEFAULT_REDIS_CALL_MS },
    )
  }
}

function str(name: string, v: unknown): string {
  if (typeof v !== 'string' || v === '')
    throw new TypeError(`${name}: expected a non-empty string, found ${JSON.stringify(v)}`)
  return v
}

function val(name: string, v: unknown): RedisValue {
  if (typeof v === 'string' || Buffer.isBuffer(v) || (typeof v === 'number' && Number.isFinite(v))) return v
  throw new TypeError(
    `${name}: expected a string, a finite number or a Buffer (JSON.stringify objects), found ${typeof v}`,
  )
}

function vals(v: RedisValue | readonly RedisValue[]): RedisValue[] {
  const list = Array.isArray(v) ? [...v] : [v as RedisValue]
  if (list.length === 0) throw new TypeError('values: expected at least one value')
  return list.map((x, i) => val(`values[${i}]`, x))
}
