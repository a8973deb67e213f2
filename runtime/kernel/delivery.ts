/**
 * Putting a message into an actor's mailbox. A message to an actor that ended for good is a dead
 * letter (`stopped`) and its ask fails with `ActorStopped`. A full mailbox applies its policy:
 * `drop-newest` and `reject` refuse the new message (its ask fails with `MessageDropped` or
 * `MailboxFull`), `drop-oldest` evicts the head (whose ask fails with `MessageDropped`). An actor
 * that is idle and running is queued on the dispatcher. With a fault plan armed, a message to a
 * worker may be dropped (`mailbox.drop`: dead letter `fault`, its ask fails with `MessageDropped`)
 * or put in the mailbox late (`mailbox.delay`); unarmed, that costs one null check.
 */
import type { ActorCell } from './ActorCell.ts'
import type { Message } from './Behavior.ts'
import { ActorStopped, AskTimeout, MailboxFull, MessageDropped } from './errors.ts'
import type { Faults } from './faults.ts'
import { PendingReply } from './PendingReply.ts'

/**
 * Delivers `msg` (with `reply` for an ask); false when it became a dead letter. `faultFree` is for
 * a delivery the `mailbox.delay` point already delayed. The body stays in this one function, so an
 * unarmed delivery costs exactly one null check more than before fault points existed.
 */
export function deliver(
  cell: ActorCell,
  msg: Message,
  reply: PendingReply | undefined,
  faultFree?: boolean,
): boolean {
  const env = cell.env
  if (env.faults !== null && faultFree !== true && cell.kind === 'worker') {
    const faulted = deliveryFault(env.faults, cell, msg, reply)
    if (faulted !== undefined) return faulted
  }
  if (cell.isFinal) {
    env.deadLetters.record(cell.path, msg.type, 'stopped')
    reply?.reject(new ActorStopped(cell.path))
    return false
  }
  const out = cell.mailbox.push(msg, reply)
  if (out !== true) {
    if (out === false) return refuse(cell, msg, reply)
    env.deadLetters.record(cell.path, out.msg.type, 'dropped-oldest')
    out.reply?.reject(new MessageDropped(cell.path, 'drop-oldest'))
  }
  if (env.bus.messages) {
    env.bus.emitMessage({
      type: '@xstate.event',
      rootId: env.rootId,
      actorRef: cell.self,
      sourceRef: env.current?.self,
      event: msg,
    })
  }
  if (!cell.scheduled && !cell.busy && cell.status === 'running') env.dispatcher.schedule(cell)
  return true
}

/** Drops (false) or delays (true) a delivery when a mailbox fault fires; undefined when none does. */
function deliveryFault(
  faults: Faults,
  cell: ActorCell,
  msg: Message,
  reply: PendingReply | undefined,
): boolean | undefined {
  if (faults.fires('mailbox.drop', cell.path)) {
    cell.env.deadLetters.record(cell.path, msg.type, 'fault')
    reply?.reject(new MessageDropped(cell.path, 'fault'))
    return false
  }
  const delayMs = faults.delayMs('mailbox.delay', cell.path)
  if (delayMs < 0) return undefined
  cell.env.clock.setTimeout(() => deliver(cell, msg, reply, true), delayMs)
  return true
}

function refuse(cell: ActorCell, msg: Message, reply: PendingReply | undefined): false {
  const policy = cell.mailbox.overflow
  cell.env.deadLetters.record(cell.path, msg.type, policy === 'reject' ? 'rejected' : 'dropped-newest')
  reply?.reject(
    policy === 'reject'
      ? new MailboxFull(cell.path, cell.mailbox.capacity)
      : new MessageDropped(cell.path, policy),
  )
  return false
}

/** Delivers `msg` as an ask; the promise settles with the reply or a kernel error. */
export function request(cell: ActorCell, msg: Message, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const clock = cell.env.clock
    const pending = new PendingReply(resolve, reject, clock)
    if (Number.isFinite(timeoutMs)) {
      pending.timer = clock.setTimeout(
        () => pending.reject(new AskTimeout(cell.path, msg.type, timeoutMs)),
        timeoutMs,
      )
    }
    deliver(cell, msg, pending)
  })
}
