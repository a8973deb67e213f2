/**
 * The command router: the actor `/mqtt-router` that turns each `command/edge` command (already
 * validated and deduplicated by the mqtt proxy) into a message to the petal actor its prefix names
 * (not a broadcast), and publishes the answer to `response` when the sender set `waitResponse`.
 * Commands to one petal run in arrival order (its mailbox); different petals run concurrently.
 * Errors use the original's codes: an unknown petal or command gets `UNKNOWN_COMMAND` with
 * `available_commands`; a handler that throws, a petal that is down or overloaded,
 * `HANDLER_ERROR`; a command not started within its time limit of arriving (default 30 s) or not
 * finished within it after starting, `TIMEOUT_ERROR` (an expired command never runs).
 */

import type { CommandEnvelope } from '../../actors/mqtt/envelope.ts'
import type { MqttFacade } from '../../actors/mqtt/MqttFacade.ts'
import {
  ActorFailed,
  type ActorRef,
  ActorStopped,
  AskTimeout,
  type Behavior,
  describeError,
  MailboxFull,
  MessageDropped,
} from '../kernel/index.ts'
import type { MqttResponse } from '../petal/definePetal.ts'
import type { LoadedPetal } from '../petal/loadPetals.ts'
import { DEFAULT_HANDLER_TIMEOUT_MS, type PetalMsg } from '../petal/petalActor.ts'

/** What the router needs from the host. */
export interface RouterDeps {
  /** The mqtt facade (resolved when the router starts, after the proxies). */
  mqtt(): MqttFacade
  /** The petals that run now (the control API can switch them live). */
  petals(): readonly LoadedPetal[]
  /** The petal actor, once the tree has it. */
  lookup(name: string): ActorRef<PetalMsg> | undefined
}

/** Messages of the router. */
export type RouterMsg =
  | { readonly type: 'command'; readonly command: CommandEnvelope }
  | { readonly type: 'stats' }

/** Counters, for health. */
export interface RouterStats {
  routed: number
  answered: number
  unknown: number
  handler_errors: number
  timeouts: number
  in_flight: number
}

/**
 * The router behaviour.
 *
 * @category host
 */
export function commandRouterBehavior(deps: RouterDeps): Behavior<RouterStats, RouterMsg> {
  const running = (): Map<string, LoadedPetal> =>
    new Map(
      deps
        .petals()
        .filter((p) => p.notLoaded === undefined)
        .map((p) => [p.name, p]),
    )
  return {
    init: (ctx) => {
      const mqtt = deps.mqtt()
      const id = mqtt.registerHandler((_topic, command) => {
        ctx.self.tell({ type: 'command', command })
      })
      ctx.onCleanup(() => mqtt.unregisterHandler(id))
      return { routed: 0, answered: 0, unknown: 0, handler_errors: 0, timeouts: 0, in_flight: 0 }
    },
    receive: (stats, msg, ctx) => {
      if (msg.type === 'stats') {
        ctx.reply({ ...stats })
        return stats
      }
      const command = msg.command
      const respond = (r: MqttResponse): void => {
        if (r.error_code === 'TIMEOUT_ERROR') stats.timeouts++
        else if (r.error_code === 'HANDLER_ERROR') stats.handler_errors++
        else if (r.error_code === 'UNKNOWN_COMMAND') stats.unknown++
        if (!command.waitResponse) return
        stats.answered++
        deps
          .mqtt()
          .sendCommandResponse(command.messageId, r)
          .catch((e: unknown) =>
            ctx.log.error(
              { err: e, messageId: command.messageId },
              `response to ${command.messageId} not queued: ${describeError(e)}`,
            ),
          )
      }
      const slash = command.command.indexOf('/')
      const name = command.command.slice(0, slash)
      const key = command.command.slice(slash + 1)
      const petals = running()
      const loaded = petals.get(name)
      if (loaded === undefined) {
        respond({
          status: 'error',
          message: `Unknown command: ${command.command} (no running petal '${name}')`,
          error_code: 'UNKNOWN_COMMAND',
          available_commands: [...petals.values()].flatMap((p) =>
            Object.keys(p.petal.mqtt ?? {}).map((k) => `${p.name}/${k}`),
          ),
        })
        return stats
      }
      const ref = deps.lookup(name)
      const state = ref?.getSnapshot().value
      if (ref === undefined || state === 'failed' || state === 'stopped') {
        respond({
          status: 'error',
          message: `Petal ${name} is not running (${state ?? 'not started'})`,
          error_code: 'HANDLER_ERROR',
        })
        return stats
      }
      const entry = loaded.petal.mqtt?.[key]
      const limit = (typeof entry === 'object' ? entry.timeoutMs : undefined) ?? DEFAULT_HANDLER_TIMEOUT_MS
      stats.routed++
      stats.in_flight++
      ref
        .ask<MqttResponse>(
          { type: 'mqtt', key, command, startBy: ctx.clock.now() + limit },
          // Start limit plus run limit, plus a margin so the petal's own TIMEOUT_ERROR wins.
          { timeoutMs: 2 * limit + 1000 },
        )
        .then(respond, (e: unknown) => respond(failure(name, e, 2 * limit + 1000)))
        .finally(() => {
          stats.in_flight--
        })
      return stats
    },
    options: { mailboxCapacity: 10_000 },
  }
}

function failure(petal: string, e: unknown, waitedMs: number): MqttResponse {
  if (e instanceof AskTimeout)
    return {
      status: 'error',
      message: `No answer from ${petal} within ${waitedMs} ms`,
      error_code: 'TIMEOUT_ERROR',
    }
  const message =
    e instanceof ActorFailed
      ? `Petal ${petal} failed while handling the command: ${describeError(e.cause)}`
      : e instanceof ActorStopped
        ? `Petal ${petal} stopped before answering`
        : e instanceof MailboxFull || e instanceof MessageDropped
          ? `Petal ${petal} is overloaded (its mailbox is full); try again later`
          : `Handler error: ${describeError(e)}`
  return { status: 'error', message, error_code: 'HANDLER_ERROR' }
}
