/**
 * The redis proxy actor. It owns two ioredis connections: one for commands, which never queues
 * while disconnected (a call then fails fast with `ProxyUnavailable`, or waits for the connection
 * up to its own `waitMs`), and one for pub/sub, which resubscribes every channel and pattern after
 * each reconnect. Reconnects back off from 50 ms to 1 s (no busy loop; a returning server is seen
 * within about a second). Calls are started as they arrive and answered when redis answers, so
 * they are pipelined, not serialised (auto-pipelining: those of one turn share a write). The
 * listener registry outlives an incarnation: a restarted
 * actor subscribes everything again. Commands in flight when the connection drops fail with
 * `ProxyUnavailable` and are not resent (a resend could apply a push twice).
 */
import type { RedisOptions as IoRedisOptions, Redis } from 'ioredis'
import { type ActorContext, type Behavior, describeError } from '../../runtime/kernel/index.ts'
import { ProxyUnavailable } from '../ProxyUnavailable.ts'
import { RedisCommandError } from './RedisCommandError.ts'
import { type RedisOpName, redisOps } from './redisOps.ts'
import type { RedisOptions } from './redisOptions.ts'
import type { RedisHealth, RedisMsg } from './redisProtocol.ts'
import { Subscriptions } from './Subscriptions.ts'

/** How long `init` waits for the first connection before running disconnected, ms. */
const FIRST_CONNECT_WAIT_MS = 2000

interface Waiter {
  readonly msg: Extract<RedisMsg, { type: 'call' }>
  readonly reply: { resolve(v: unknown): void; reject(e: unknown): void }
  readonly cancel: () => void
}

interface RedisState {
  readonly cmd: Redis
  readonly sub: Redis
  readonly waiters: Set<Waiter>
  /** Why the last connection attempt failed (for errors and health). */
  lastError: string | undefined
  /** Reconnect attempts of the command connection since start. */
  reconnects: number
}

/**
 * The redis proxy behaviour.
 *
 * @category proxies
 */
export function redisBehavior(options: RedisOptions): Behavior<RedisState, RedisMsg> {
  const subs = new Subscriptions()
  const appId = `redis-proxy-${process.pid}`
  let received = 0

  const run = (s: RedisState, msg: Extract<RedisMsg, { type: 'call' }>): Promise<unknown> => {
    const op = redisOps[msg.op] as (c: Redis, ...args: unknown[]) => Promise<unknown>
    return op(s.cmd, ...msg.args).catch((e: unknown) => {
      throw toProxyError(msg.op, e, s)
    })
  }

  return {
    init: async (ctx) => {
      // ioredis loads with the first start of a redis proxy, not with the runtime.
      const { Redis } = await import('ioredis')
      const base = connectionOptions(options)
      const cmd = new Redis({
        ...base,
        connectionName: 'petal-commands',
        // Commands issued in the same turn go out in one write (a syscall per command otherwise).
        enableAutoPipelining: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
      })
      const sub = new Redis({
        ...base,
        connectionName: 'petal-pubsub',
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
        autoResubscribe: true,
      })
      const s: RedisState = { cmd, sub, waiters: new Set(), lastError: undefined, reconnects: 0 }
      watchConnection(ctx, s, options)
      cmd.on(
        'ready',
        ctx.guard(() => {
          for (const w of s.waiters) {
            s.waiters.delete(w)
            w.cancel()
            run(s, w.msg).then(
              (v) => w.reply.resolve(v),
              (e: unknown) => w.reply.reject(e),
            )
          }
        }),
      )
      sub.on(
        'message',
        ctx.guard((channel: string, message: string) => {
          received++
          subs.deliver('channel', channel, { channel, message })
        }),
      )
      sub.on(
        'pmessage',
        ctx.guard((pattern: string, channel: string, message: string) => {
          received++
          subs.deliver('pattern', pattern, { channel, message, pattern })
        }),
      )
      // After a restart the registry still holds every listener: subscribe them on this connection.
      for (const ch of subs.targets('channel')) sub.subscribe(ch).catch(() => {})
      for (const p of subs.targets('pattern')) sub.psubscribe(p).catch(() => {})
      ctx.onCleanup(() => {
        for (const w of s.waiters) {
          w.cancel()
          w.reply.reject(new ProxyUnavailable('redis', 'the proxy stopped'))
        }
        s.waiters.clear()
        cmd.disconnect()
        sub.disconnect()
      })
      await Promise.all([firstOutcome(cmd, FIRST_CONNECT_WAIT_MS), firstOutcome(sub, FIRST_CONNECT_WAIT_MS)])
      return s
    },

    receive: (s, msg, ctx) => {
      switch (msg.type) {
        case 'call': {
          if (s.cmd.status === 'ready') {
            ctx.replyWith(run(s, msg))
            return s
          }
          if (msg.waitMs <= 0) {
            ctx.replyError(new ProxyUnavailable('redis', outage(s, options)))
            return s
          }
          const reply = ctx.deferReply()
          if (reply === undefined) return s
          const waiter: Waiter = {
            msg,
            reply,
            cancel: ctx.setTimeout(() => {
              s.waiters.delete(waiter)
              reply.reject(
                new ProxyUnavailable('redis', `${outage(s, options)}; waited ${msg.waitMs} ms for it`),
              )
            }, msg.waitMs),
          }
          s.waiters.add(waiter)
          return s
        }
        case 'subscribe': {
          const first = subs.add(msg.kind, msg.target, msg.subscriber)
          if (!first || s.sub.status !== 'ready') {
            // Offline, the command waits in the pub/sub connection's queue and runs on connect.
            if (first) subscribeOn(s.sub, msg.kind, msg.target).catch(() => {})
            ctx.reply(true)
            return s
          }
          ctx.replyWith(
            subscribeOn(s.sub, msg.kind, msg.target).then(
              () => true,
              (e: unknown) => {
                throw toProxyError(msg.kind === 'channel' ? 'subscribe' : 'psubscribe', e, s)
              },
            ),
          )
          return s
        }
        case 'unsubscribe': {
          const last = subs.remove(msg.kind, msg.target, msg.owner)
          if (last) unsubscribeOn(s.sub, msg.kind, [msg.target])
          ctx.reply(last)
          return s
        }
        case 'unsubscribe-owner': {
          const emptied = subs.removeOwner(msg.owner)
          unsubscribeOn(s.sub, 'channel', emptied.channels)
          unsubscribeOn(s.sub, 'pattern', emptied.patterns)
          ctx.reply(true)
          return s
        }
        case 'health': {
          const connected = s.cmd.status === 'ready'
          const health: RedisHealth = {
            status: connected ? 'healthy' : 'unhealthy',
            connection: {
              host: options.host,
              port: options.port,
              db: options.db,
              unix_socket_path: options.unixSocketPath ?? null,
              connected,
              reconnect_attempts: s.reconnects,
            },
            communication: {
              app_id: appId,
              listening: s.sub.status === 'ready',
              active_handlers: subs.listenerCount,
              active_subscriptions: subs.targets('channel').length + subs.targets('pattern').length,
              messages_received: received,
            },
            ...(connected ? {} : { error: 'not connected', details: outage(s, options) }),
          }
          ctx.reply(health)
          return s
        }
      }
    },
  }
}

function connectionOptions(o: RedisOptions): IoRedisOptions {
  const min = o.reconnect?.minMs ?? 50
  const max = o.reconnect?.maxMs ?? 1000
  return {
    ...(o.unixSocketPath === undefined ? { host: o.host, port: o.port } : { path: o.unixSocketPath }),
    db: o.db,
    ...(o.password === undefined ? {} : { password: o.password }),
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(max, min * 2 ** Math.min(times - 1, 16)),
    lazyConnect: false,
  }
}

/** Logs the start and the end of each outage once (ioredis reports every failed attempt). */
function watchConnection(ctx: ActorContext<RedisMsg>, s: RedisState, o: RedisOptions): void {
  let down = false
  const where = o.unixSocketPath ?? `${o.host}:${o.port}`
  s.cmd.on(
    'error',
    ctx.guard((e: unknown) => {
      s.lastError = describeError(e)
      if (!down) ctx.log.warn({ proxy: 'redis', err: s.lastError }, `redis at ${where}: ${s.lastError}`)
      down = true
    }),
  )
  s.sub.on(
    'error',
    ctx.guard((e: unknown) => {
      s.lastError = describeError(e)
    }),
  )
  s.cmd.on(
    'close',
    ctx.guard(() => {
      if (!down) ctx.log.warn({ proxy: 'redis' }, `redis at ${where}: connection lost; reconnecting`)
      down = true
    }),
  )
  s.cmd.on(
    'reconnecting',
    ctx.guard(() => {
      s.reconnects++
    }),
  )
  s.cmd.on(
    'ready',
    ctx.guard(() => {
      if (down) ctx.log.info({ proxy: 'redis' }, `redis at ${where}: connected again`)
      down = false
      s.lastError = undefined
    }),
  )
}

function outage(s: RedisState, o: RedisOptions): string {
  const where = o.unixSocketPath ?? `${o.host}:${o.port}`
  return `not connected to redis at ${where} (${s.cmd.status}${s.lastError === undefined ? '' : `: ${s.lastError}`})`
}

function toProxyError(op: RedisOpName | 'subscribe' | 'psubscribe', e: unknown, s: RedisState): Error {
  if ((e as { name?: string }).name === 'ReplyError') return new RedisCommandError(op, describeError(e))
  return new ProxyUnavailable('redis', `${op} failed: ${describeError(e)} (connection ${s.cmd.status})`)
}

function subscribeOn(sub: Redis, kind: 'channel' | 'pattern', target: string): Promise<unknown> {
  return kind === 'channel' ? sub.subscribe(target) : sub.psubscribe(target)
}

function unsubscribeOn(sub: Redis, kind: 'channel' | 'pattern', targets: string[]): void {
  if (targets.length === 0) return
  const p = kind === 'channel' ? sub.unsubscribe(...targets) : sub.punsubscribe(...targets)
  p.catch(() => {})
}

/** Resolves at the first `ready`, `error` or `end`, or after `ms`. */
function firstOutcome(c: Redis, ms: number): Promise<void> {
  if (c.status === 'ready') return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t)
      c.off('ready', done)
      c.off('error', done)
      c.off('end', done)
      resolve()
    }
    const t = setTimeout(done, ms)
    c.once('ready', done)
    c.once('error', done)
    c.once('end', done)
  })
}
