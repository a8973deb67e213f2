/**
 * Handling messages, one at a time. A turn first drains the system lane (child exits, internal
 * jobs, `terminated`), then handles up to `budget` user messages. A sync `receive` is a plain call
 * (no promise); an async one holds the mailbox until it settles, under the actor's optional time
 * limit (an async `init` likewise). An `ask` the handler neither answered nor deferred fails with
 * `NoReply`. With an inspection observer attached, each handled message emits `@xstate.snapshot`.
 */
import type { ActorCell } from './ActorCell.ts'
import { actorScope } from './asyncAttribution.ts'
import type { Message } from './Behavior.ts'
import { HandlerTimeout, NoReply } from './errors.ts'
import { isThenable } from './OwnedResources.ts'
import type { PendingReply } from './PendingReply.ts'

/** One turn of `cell`; returns how many signals and messages it handled. */
export function runCell(cell: ActorCell, budget: number): number {
  const mailbox = cell.mailbox
  let n = 0
  while (!cell.busy) {
    const sig = mailbox.peekSystem()
    if (sig === undefined || (sig.kind === 'deliver' && cell.status !== 'running')) break
    mailbox.shiftSystem()
    n++
    if (sig.kind === 'deliver') invoke(cell, sig.msg, undefined)
    else if (sig.kind === 'call') {
      if (sig.epoch === cell.epoch) exclusive(cell, sig.run)
    } else cell.onChildExit(sig.child, sig.reason, sig.epoch)
  }
  while (n < budget && !cell.busy && cell.status === 'running' && mailbox.systemSize === 0) {
    const msg = mailbox.shift()
    if (msg === undefined) break
    n++
    invoke(cell, msg, mailbox.lastReply)
  }
  resume(cell)
  return n
}

/** Queues `cell` on the dispatcher if it has work it can do now. */
export function resume(cell: ActorCell): void {
  if (cell.scheduled || cell.busy) return
  const sig = cell.mailbox.peekSystem()
  if (
    (sig !== undefined && (sig.kind !== 'deliver' || cell.status === 'running')) ||
    (cell.status === 'running' && cell.mailbox.size > 0)
  ) {
    cell.env.dispatcher.schedule(cell)
  }
}

function callReceive(cell: ActorCell, msg: Message): unknown {
  return cell.behavior.receive(cell.state, msg, cell)
}

function invoke(cell: ActorCell, msg: Message, reply: PendingReply | undefined): void {
  cell.current = reply
  cell.deferred = false
  const env = cell.env
  env.current = cell
  let next: unknown
  try {
    next = env.attribute ? actorScope.run(cell, callReceive, cell, msg) : callReceive(cell, msg)
  } catch (e) {
    env.current = null
    cell.fail(e)
    return
  }
  env.current = null
  if (isThenable(next)) awaitReceive(cell, next, msg)
  else {
    cell.state = next
    finish(cell, msg)
  }
}

function awaitReceive(cell: ActorCell, pending: PromiseLike<unknown>, msg: Message): void {
  const epoch = cell.epoch
  const limit = cell.receiveTimeoutMs
  cell.busy = true
  const cancelLimit =
    limit > 0
      ? cell
          .resources()
          .addTimer(
            () => cell.failIn(epoch, new HandlerTimeout(cell.path, `receive of '${msg.type}'`, limit)),
            limit,
          )
      : undefined
  cell.inflight = Promise.resolve(pending).then(
    (s) => {
      cancelLimit?.()
      if (epoch !== cell.epoch) return
      cell.state = s
      finish(cell, msg)
      settleBusy(cell)
    },
    (e: unknown) => {
      cancelLimit?.()
      cell.failIn(epoch, e)
    },
  )
}

/** Waits for an async `init`, under the actor's optional `initTimeoutMs`; resolves true when it runs. */
export function awaitInit(cell: ActorCell, pending: PromiseLike<unknown>): Promise<boolean> {
  const epoch = cell.epoch
  const limit = cell.initTimeoutMs
  return new Promise<boolean>((resolve) => {
    cell.startDone = resolve
    const cancelLimit =
      limit > 0
        ? cell
            .resources()
            .addTimer(() => cell.failIn(epoch, new HandlerTimeout(cell.path, 'init', limit)), limit)
        : undefined
    cell.inflight = Promise.resolve(pending).then(
      (state) => {
        cancelLimit?.()
        if (epoch !== cell.epoch) return
        cell.inflight = null
        cell.startDone = null
        cell.started(state)
        resolve(true)
      },
      (e: unknown) => {
        cancelLimit?.()
        cell.failIn(epoch, e)
      },
    )
  })
}

function finish(cell: ActorCell, msg: Message): void {
  const r = cell.current
  if (r !== undefined && !r.settled && !cell.deferred) r.reject(new NoReply(cell.path, msg.type))
  cell.current = undefined
  const env = cell.env
  if (env.bus.messages) {
    env.bus.emitMessage({
      type: '@xstate.snapshot',
      rootId: env.rootId,
      actorRef: cell.self,
      event: msg,
      snapshot: cell.snapshot(),
    })
  }
}

function settleBusy(cell: ActorCell): void {
  cell.busy = false
  cell.inflight = null
  resume(cell)
}

/** Runs internal work holding the mailbox; async work keeps it held until it settles. */
export function exclusive(cell: ActorCell, work: () => unknown): void {
  let r: unknown
  try {
    r = work()
  } catch (e) {
    cell.fail(e)
    return
  }
  if (!isThenable(r)) return
  const epoch = cell.epoch
  cell.busy = true
  cell.inflight = Promise.resolve(r).then(
    () => {
      if (epoch === cell.epoch) settleBusy(cell)
    },
    (e: unknown) => cell.failIn(epoch, e),
  )
}
