/**
 * What a petal calls: `ctx.proxy('mqtt')`, the guide's API. `publishMessage` goes to
 * `command/web`, `sendCommandResponse` to `response`; both stamp `deviceId` on a copy (the
 * caller's object is never changed) and, at QoS 1 (the default), resolve true once the message is
 * durable in the outbox: it will reach the broker (at least once) even across a broker outage or
 * a crash of this process. QoS 0 needs a live connection and fails with `ProxyUnavailable`
 * otherwise. `registerHandler` sees every valid, deduplicated command on `command/edge`; a petal's
 * handler runs in its own mailbox and is removed when its incarnation ends.
 */
import { randomUUID } from 'node:crypto'
import type { ActorRef, Logger } from '../../runtime/kernel/index.ts'
import { describeError } from '../../runtime/kernel/index.ts'
import type { FacadeOwner } from '../ProxyKind.ts'
import type { CommandEnvelope } from './envelope.ts'
import type { CommandListener, MqttHealth, MqttMsg } from './mqttProtocol.ts'

/** A raw command handler: the topic and the validated envelope. */
export type CommandHandler = (topic: string, command: CommandEnvelope) => unknown

/** Options of {@link MqttFacade.publishMessage}. */
export interface PublishOptions {
  /** 1 (default): durable and acknowledged; 0: best effort, only while connected. */
  readonly qos?: 0 | 1
}

/** Limit of a publish call, ms (the outbox write, not the broker). */
const PUBLISH_TIMEOUT_MS = 10_000

/**
 * The mqtt facade.
 *
 * @example
 * const mqtt = ctx.proxy('mqtt')
 * await mqtt.publishMessage({ messageId, command: '/petal-x/progress', timestamp, payload: { done: 3 } })
 * await mqtt.sendCommandResponse(msg.messageId, { status: 'success', data: {} })
 *
 * @category proxies
 */
export class MqttFacade {
  private readonly ownerId: string | undefined
  private readonly ids = new Set<string>()

  constructor(
    private readonly ref: ActorRef<MqttMsg>,
    private readonly owner?: FacadeOwner,
    private readonly log?: Logger,
  ) {
    this.ownerId = owner === undefined ? undefined : `${owner.name}:${randomUUID()}`
    owner?.onCleanup(() => {
      this.ref.tell({ type: 'unregister-owner', owner: this.ownerId! })
    })
  }

  /** The same proxy, with handlers run in `owner`'s mailbox. */
  ownedBy(owner: FacadeOwner): MqttFacade {
    return new MqttFacade(this.ref, owner, this.log)
  }

  /** Publishes `payload` (plus `deviceId`) to `command/web`. */
  publishMessage(payload: Readonly<Record<string, unknown>>, o: PublishOptions = {}): Promise<true> {
    const qos = o.qos ?? 1
    if (qos !== 0 && qos !== 1) throw new TypeError(`qos: expected 0 or 1, found ${JSON.stringify(qos)}`)
    return this.ref.ask(
      { type: 'publish', to: 'web', payload: object('payload', payload), qos },
      { timeoutMs: PUBLISH_TIMEOUT_MS },
    )
  }

  /** Publishes `{ messageId, timestamp, ...data, deviceId }` to `response` (QoS 1). */
  sendCommandResponse(messageId: string, data: Readonly<Record<string, unknown>>): Promise<true> {
    if (typeof messageId !== 'string' || messageId === '')
      throw new TypeError(`messageId: expected a non-empty string, found ${JSON.stringify(messageId)}`)
    return this.ref.ask(
      { type: 'publish', to: 'response', messageId, payload: object('data', data), qos: 1 },
      { timeoutMs: PUBLISH_TIMEOUT_MS },
    )
  }

  /**
   * Calls `handler` for every valid, deduplicated command on `command/edge`; returns its id. A
   * `cpuHeavy` closure cannot move to a worker thread: declare `{ cpuHeavy: true, worker }` in the
   * petal's `mqtt` map instead.
   */
  registerHandler(handler: CommandHandler, o: { readonly cpuHeavy?: boolean } = {}): string {
    if (typeof handler !== 'function') throw new TypeError('handler: expected a function')
    if (o.cpuHeavy)
      throw new TypeError(
        "cpuHeavy: a registered closure cannot run in a worker thread; declare the command as { cpuHeavy: true, worker: '<module>' } in definePetal's mqtt map",
      )
    const id = randomUUID()
    this.ids.add(id)
    this.ref.tell({ type: 'register', id, listener: this.listener(handler) })
    return id
  }

  /** Removes a handler; false when this facade did not register `id`. */
  unregisterHandler(id: string): boolean {
    if (!this.ids.delete(id)) return false
    this.ref.tell({ type: 'unregister', id })
    return true
  }

  /** Health from cached state, with the original's fields (no network). */
  healthCheck(): Promise<MqttHealth> {
    return this.ref.ask({ type: 'health' }, { timeoutMs: 2000 })
  }

  private listener(handler: CommandHandler): CommandListener {
    const owner = this.owner
    if (owner !== undefined)
      return { owner: this.ownerId!, deliver: (topic, command) => owner.run(() => handler(topic, command)) }
    const log = this.log
    const fail = (e: unknown): void => log?.error({ err: e }, `mqtt handler failed: ${describeError(e)}`)
    return {
      deliver: (topic, command) => {
        try {
          const r = handler(topic, command)
          if (r instanceof Promise) r.catch(fail)
        } catch (e) {
          fail(e)
        }
      },
    }
  }
}

function object(name: string, v: unknown): Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new TypeError(
      `${name}: expected an object, found ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}`,
    )
  return v as Readonly<Record<string, unknown>>
}
