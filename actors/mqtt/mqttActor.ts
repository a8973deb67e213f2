/**
 * The mqtt proxy actor. It keeps the broker connection (see `mqttConnection.ts`), the device
 * identity (the organisation id, watched in the thing-parameters file so an id that appears later
 * subscribes without a restart), the subscription to `command/edge`, and the outbox. Commands on
 * the current identity's `command/edge` are taken from the moment the connection is up, not from
 * the SUBACK: a persistent session delivers what the broker queued for us right after CONNACK
 * (and mqtt.js acknowledges it), so dropping it would lose it. Inbound commands are validated
 * (`envelope.ts`), deduplicated (`Dedup.ts`; each answer is journaled with its response in the
 * outbox, so the window survives `kill -9`) and handed to every registered listener, in arrival
 * order; an invalid one with a readable `messageId` is answered `VALIDATION_ERROR` here.
 * Publishes are stamped with `deviceId` (on a copy), and QoS 1 ones go through the outbox:
 * durable first, then sent, then marked done on PUBACK. The listener registry outlives an
 * incarnation, so a restarted proxy keeps its handlers; commands arriving before any listener
 * registered (start-up) are held, up to 1000, and given to the first one (past that the oldest is
 * dropped and forgotten by dedup, so its re-send runs).
 */
import { type ActorContext, type Behavior, describeError } from '../../runtime/kernel/index.ts'
import { ProxyUnavailable } from '../ProxyUnavailable.ts'
import { DEDUP_WINDOW, Dedup } from './Dedup.ts'
import { type EmbeddedBroker, startEmbeddedBroker } from './embeddedBroker.ts'
import { type CommandEnvelope, parseCommand } from './envelope.ts'
import { type Connection, openConnection } from './mqttConnection.ts'
import type { MqttOptions } from './mqttOptions.ts'
import type { CommandListener, MqttHealth, MqttMsg } from './mqttProtocol.ts'
import { Outbox, type OutboxEntry } from './Outbox.ts'
import { fileStamp, type OrganizationInfo, readOrganization } from './thingParameters.ts'
import { deviceBase, deviceId, localIsoTimestamp } from './topics.ts'

/** QoS 1 messages handed to mqtt.js at once. */
const MAX_IN_FLIGHT = 100

/** A QoS 1 message unacknowledged this long while connected is handed over again (at-least-once). */
const STUCK_AFTER_MS = 30_000
const STUCK_CHECK_MS = 5_000

/** Commands kept while no listener is registered yet (start-up), delivered to the first one. */
const MAX_HELD_COMMANDS = 1000

/** Largest payload we publish, bytes. */
const MAX_PUBLISH_BYTES = 1024 * 1024

interface MqttState {
  readonly conn: Connection
  readonly outbox: Outbox
  readonly broker: EmbeddedBroker | undefined
  org: OrganizationInfo
  orgStamp: string
  /** The `command/edge` topic the broker confirmed (health only: routing uses `edge`). */
  subscribed: string | undefined
  /** The `command/edge` topic of the current identity: commands on it are routed. */
  edge: string | undefined
  readonly unsent: Map<number, OutboxEntry>
  /** Entries handed to mqtt.js, with when. */
  readonly inFlight: Map<number, number>
  readonly dedup: Dedup
}

/**
 * The mqtt proxy behaviour.
 *
 * @category proxies
 */
export function mqttBehavior(o: MqttOptions): Behavior<MqttState, MqttMsg> {
  const listeners = new Map<string, CommandListener>()
  const held: [string, CommandEnvelope][] = []
  const counters = { received: 0, duplicates: 0, invalid: 0, dropped_unreadable: 0 }
  const device = deviceId(o.machineId)

  const orgId = (s: MqttState): string | undefined => s.org.organization_id ?? o.organizationFallback
  const base = (s: MqttState): string | undefined => {
    const id = orgId(s)
    return id === undefined ? undefined : deviceBase(id, o.machineId)
  }

  return {
    init: async (ctx) => {
      const broker =
        o.embeddedBrokerPort === undefined ? undefined : await startEmbeddedBroker(o.embeddedBrokerPort)
      if (broker !== undefined) ctx.onCleanup(() => broker.close())
      const outbox = await Outbox.open(o.outboxPath, {
        fsync: o.outboxFsync,
        limit: o.outboxLimit,
        keepAnswers: DEDUP_WINDOW,
      })
      ctx.onCleanup(() => outbox.close())
      let s!: MqttState
      const conn = openConnection(o, {
        schedule: (fn, ms) => ctx.setTimeout(fn, ms),
        connected: ctx.guard((version: 4 | 5) => {
          ctx.log.info(
            { proxy: 'mqtt', url: o.url, version },
            `mqtt: connected to ${o.url} (MQTT ${version === 5 ? '5' : '3.1.1'})`,
          )
          s.subscribed = undefined
          subscribe(ctx, s)
          pump(s)
        }) as (v: 4 | 5) => void,
        disconnected: ctx.guard((reason: string) => {
          s.subscribed = undefined
          ctx.log.warn(
            { proxy: 'mqtt', reason },
            `mqtt: disconnected from ${o.url} (${reason}); reconnecting`,
          )
        }) as (r: string) => void,
        message: ctx.guard((topic: string, payload: Buffer) => inbound(s, topic, payload)) as (
          t: string,
          p: Buffer,
        ) => void,
      })
      ctx.onCleanup(() => conn.close())
      const org =
        o.organizationId === undefined ? readOrganization(o.thingParametersPath) : fixedOrg(o.organizationId)
      s = {
        conn,
        outbox,
        broker,
        org,
        orgStamp: fileStamp(o.thingParametersPath),
        subscribed: undefined,
        edge: undefined,
        unsent: new Map(outbox.pending().map((e) => [e.id, e])),
        inFlight: new Map(),
        dedup: new Dedup(DEDUP_WINDOW, outbox.answers),
      }
      if (org.organization_id === null && o.organizationFallback === undefined)
        ctx.log.warn(
          { proxy: 'mqtt' },
          `mqtt: no organization id yet (${org.problem}); watching ${o.thingParametersPath}`,
        )
      else if (org.organization_id === null)
        ctx.log.info(
          { proxy: 'mqtt' },
          `mqtt: organization id '${o.organizationFallback}' until ${o.thingParametersPath} gives one`,
        )
      s.edge = edgeTopic(s)
      if (o.organizationId === undefined) ctx.setInterval(() => watchOrg(ctx, s), o.organizationPollMs)
      ctx.setInterval(() => requeueStuck(ctx, s), STUCK_CHECK_MS)
      return s
    },

    receive: (s, msg, ctx) => {
      switch (msg.type) {
        case 'publish':
          publish(s, msg, ctx)
          return s
        case 'register':
          listeners.set(msg.id, msg.listener)
          for (const [topic, command] of held.splice(0)) msg.listener.deliver(topic, command)
          ctx.reply(true)
          return s
        case 'unregister':
          ctx.reply(listeners.delete(msg.id))
          return s
        case 'unregister-owner':
          for (const [id, l] of listeners) if (l.owner === msg.owner) listeners.delete(id)
          ctx.reply(true)
          return s
        case 'health':
          ctx.reply(health(s))
          return s
      }
    },
  }

  function fixedOrg(id: string): OrganizationInfo {
    return { organization_id: id, thing_name: null, retrieved_at: null }
  }

  function watchOrg(ctx: ActorContext<MqttMsg>, s: MqttState): void {
    const stamp = fileStamp(o.thingParametersPath)
    if (stamp === s.orgStamp) return
    s.orgStamp = stamp
    const before = orgId(s)
    s.org = readOrganization(o.thingParametersPath)
    if (orgId(s) === before) return
    s.edge = edgeTopic(s)
    ctx.log.info(
      { proxy: 'mqtt', organization_id: orgId(s) ?? null },
      `mqtt: organization id is now ${orgId(s) ?? 'unknown'}`,
    )
    subscribe(ctx, s)
    pump(s)
  }

  function edgeTopic(s: MqttState): string | undefined {
    const b = base(s)
    return b === undefined ? undefined : `${b}/${o.topics.commandEdge}`
  }

  /** Subscribes `command/edge` under the current base (and drops the old one). */
  function subscribe(ctx: ActorContext<MqttMsg>, s: MqttState): void {
    const wanted = s.edge
    if (!s.conn.connected() || wanted === s.subscribed) return
    const client = s.conn.client()
    const old = s.subscribed
    if (old !== undefined) client.unsubscribe(old)
    s.subscribed = undefined
    if (wanted === undefined) return
    client.subscribe(wanted, { qos: 1 }, (err, granted) => {
      if (err || granted?.[0]?.qos === 128) {
        ctx.log.error(
          { proxy: 'mqtt', topic: wanted },
          `mqtt: subscribe to ${wanted} failed: ${err ? describeError(err) : 'refused by the broker'}`,
        )
        return
      }
      if (s.edge === wanted) s.subscribed = wanted
    })
  }

  function inbound(s: MqttState, topic: string, bytes: Buffer): void {
    // Not `s.subscribed`: with a persistent session the broker delivers the commands it queued
    // for us right after CONNACK, before the SUBACK of our new SUBSCRIBE (and acknowledges them).
    if (topic !== s.edge) return
    counters.received++
    const parsed = parseCommand(bytes)
    if (parsed.kind === 'unreadable') {
      counters.dropped_unreadable++
      return
    }
    if (parsed.kind === 'invalid') {
      counters.invalid++
      enqueueResponse(s, parsed.messageId, {
        status: 'error',
        message: `Invalid command envelope: ${parsed.problems}`,
        error_code: 'VALIDATION_ERROR',
      }).catch(() => {})
      return
    }
    const verdict = s.dedup.check(parsed.command.messageId)
    if (verdict.kind !== 'new') {
      counters.duplicates++
      if (verdict.kind === 'answered') enqueueRaw(s, o.topics.response, verdict.response).catch(() => {})
      return
    }
    if (listeners.size === 0) {
      held.push([topic, parsed.command])
      // Past the bound the oldest is dropped unseen: forgotten by dedup, so the app's re-send runs.
      if (held.length > MAX_HELD_COMMANDS) s.dedup.forget(held.shift()![1].messageId)
    }
    for (const l of listeners.values()) l.deliver(topic, parsed.command)
  }

  function publish(
    s: MqttState,
    msg: Extract<MqttMsg, { type: 'publish' }>,
    ctx: ActorContext<MqttMsg>,
  ): void {
    if (msg.to === 'response') {
      ctx.replyWith(enqueueResponse(s, msg.messageId!, msg.payload))
      return
    }
    let json: string
    try {
      json = serialise({ ...msg.payload, deviceId: device })
    } catch (e) {
      ctx.replyError(e)
      return
    }
    if (msg.qos === 1) {
      ctx.replyWith(enqueueRaw(s, o.topics.commandWeb, json))
      return
    }
    const b = base(s)
    if (!s.conn.connected() || b === undefined) {
      ctx.replyError(
        new ProxyUnavailable('mqtt', b === undefined ? 'no organization id yet' : unavailable(s)),
      )
      return
    }
    ctx.replyWith(
      new Promise((resolve, reject) =>
        s.conn
          .client()
          .publish(`${b}/${o.topics.commandWeb}`, json, { qos: 0 }, (err) =>
            err ? reject(new ProxyUnavailable('mqtt', describeError(err))) : resolve(true),
          ),
      ),
    )
  }

  function enqueueResponse(
    s: MqttState,
    messageId: string,
    data: Readonly<Record<string, unknown>>,
  ): Promise<true> {
    let json: string
    try {
      json = serialise({ messageId, timestamp: localIsoTimestamp(), ...data, deviceId: device })
    } catch (e) {
      return Promise.reject(e)
    }
    // Journaled as the command's answer in the same record: the window survives a kill -9.
    const answers = s.dedup.answered(messageId, json) ? messageId : undefined
    return enqueueRaw(s, o.topics.response, json, answers)
  }

  async function enqueueRaw(s: MqttState, topic: string, json: string, answers?: string): Promise<true> {
    const entry = await s.outbox.add(topic, json, answers)
    s.unsent.set(entry.id, entry)
    pump(s)
    return true
  }

  /** Hands waiting entries to mqtt.js, up to MAX_IN_FLIGHT at once. */
  function pump(s: MqttState): void {
    const b = base(s)
    if (!s.conn.connected() || b === undefined) return
    const client = s.conn.client()
    if (client.disconnecting) return
    for (const [id, e] of s.unsent) {
      if (s.inFlight.size >= MAX_IN_FLIGHT) return
      s.unsent.delete(id)
      s.inFlight.set(id, Date.now())
      client.publish(`${b}/${e.topic}`, e.payload, { qos: 1 }, (err) => {
        s.inFlight.delete(id)
        // A refused publish waits for the next connect: pumping again now could loop on the error.
        if (err) {
          s.unsent.set(id, e)
          return
        }
        s.unsent.delete(id)
        s.outbox.done(id)
        if (s.unsent.size > 0 && s.inFlight.size < MAX_IN_FLIGHT / 2) pump(s)
      })
    }
  }

  /** A safety net: mqtt.js should always call back, but a lost callback must not strand a message. */
  function requeueStuck(ctx: ActorContext<MqttMsg>, s: MqttState): void {
    if (!s.conn.connected()) return
    const now = Date.now()
    let n = 0
    for (const [id, at] of s.inFlight) {
      if (now - at < STUCK_AFTER_MS) continue
      const e = s.outbox.entry(id)
      s.inFlight.delete(id)
      if (e !== undefined) s.unsent.set(id, e)
      n++
    }
    if (n === 0) return
    ctx.log.warn(
      { proxy: 'mqtt', count: n },
      `mqtt: ${n} message(s) unacknowledged for ${STUCK_AFTER_MS / 1000} s; sending again`,
    )
    pump(s)
  }

  function unavailable(s: MqttState): string {
    const err = s.conn.lastError()
    return `not connected to ${o.url}${err === undefined ? '' : ` (${err})`}`
  }

  function health(s: MqttState): MqttHealth {
    const connected = s.conn.connected()
    const org = orgId(s) ?? null
    const oldest = s.outbox.oldestAt
    const status = !connected ? 'unhealthy' : s.subscribed === undefined ? 'warning' : 'healthy'
    return {
      status,
      connection: {
        url: o.url,
        protocol_version: connected ? (s.conn.version() === 5 ? '5' : '3.1.1') : null,
        client_id: o.clientId,
        connected,
        reconnect_attempts: s.conn.reconnects(),
      },
      subscriptions: {
        topics: s.subscribed === undefined ? [] : [s.subscribed],
        handlers: s.subscribed === undefined ? {} : { [s.subscribed]: listeners.size },
      },
      device_info: { organization_id: org, robot_instance_id: o.machineId },
      outbox: {
        path: s.outbox.path,
        pending: s.outbox.size,
        in_flight: s.inFlight.size,
        oldest_age_s: oldest === undefined ? null : (Date.now() - oldest) / 1000,
      },
      commands: { ...counters },
      embedded_broker_port: s.broker?.port ?? null,
      ...(status === 'healthy'
        ? {}
        : {
            error: connected ? 'not subscribed to command/edge' : 'not connected',
            details: connected
              ? org === null
                ? `no organization id: ${s.org.problem}`
                : 'subscribing'
              : unavailable(s),
          }),
    }
  }
}

function serialise(body: Record<string, unknown>): string {
  let json: string
  try {
    json = JSON.stringify(body)
  } catch (e) {
    throw new TypeError(`payload: expected JSON-serialisable data (${describeError(e)})`)
  }
  if (Buffer.byteLength(json) > MAX_PUBLISH_BYTES)
    throw new TypeError(
      `payload: expected at most ${MAX_PUBLISH_BYTES} bytes as JSON, found ${Buffer.byteLength(json)}`,
    )
  return json
}
