/**
 * How an incarnation ends. Stopping waits for the message in hand, then stops the actor's
 * children in reverse start order, calls its `stop` (only if its `init` had completed), and runs
 * its cleanups; all of it within the budget (`shutdownMs`). Past the budget the actor is
 * abandoned: children force-stopped, timers cancelled, cleanups run with `forced = true`, late
 * results ignored. An actor with nothing to wait for ends synchronously (no timer, no promise).
 * Finalizing makes an end final: the mailbox is dead-lettered and watchers get `terminated`.
 */
import type { ActorCell } from './ActorCell.ts'
import { actorScope } from './asyncAttribution.ts'
import type { ExitReason } from './Behavior.ts'
import { notifyWatchers } from './deathWatch.ts'
import { ActorStopped, describeError } from './errors.ts'
import { withinDeadline } from './OwnedResources.ts'

/** Stops `cell` for good: ends the incarnation within `budgetMs`, then finalizes it. */
export function shutdown(cell: ActorCell, reason: ExitReason, budgetMs: number): Promise<void> {
  if (cell.isFinal) return Promise.resolve()
  if (cell.stopping !== null) return cell.stopping
  cell.stopping = stopIncarnation(cell, reason, budgetMs).then(() => {
    cell.stopping = null
    finalize(cell, reason)
  })
  return cell.stopping
}

/** Ends the incarnation as a stop, without finalizing (the parent restarts it later). */
export function stopIncarnation(cell: ActorCell, reason: ExitReason, budgetMs: number): Promise<void> {
  if (cell.status === 'restarting' || cell.isFinal || !cell.hasStarted)
    return cell.ending ?? Promise.resolve()
  cell.status = 'stopping'
  const inflight = cell.inflight
  const work = async (): Promise<void> => {
    if (inflight !== null) await inflight
    cell.newEpoch()
    cell.busy = false
    cell.inflight = null
    cell.current?.reject(new ActorStopped(cell.path))
    cell.current = undefined
    await endWork(cell, reason)
  }
  cell.ending = withinDeadline(cell.env.clock, budgetMs, work()).then(async (inTime) => {
    if (!inTime) {
      cell.newEpoch()
      await abandon(cell)
    }
    afterEnd(cell)
    cell.status = 'restarting'
    cell.ending = null
  })
  return cell.ending
}

/** Ends the incarnation after a failure or `stopSelf`; undefined when nothing had to be awaited. */
export function endIncarnation(
  cell: ActorCell,
  reason: ExitReason,
  budgetMs: number,
): Promise<void> | undefined {
  if (
    (cell.children === null || cell.children.length === 0) &&
    (cell.behavior.stop === undefined || !cell.live) &&
    !cell.owned?.hasCleanups
  ) {
    afterEnd(cell)
    return undefined
  }
  return withinDeadline(cell.env.clock, budgetMs, endWork(cell, reason)).then(async (inTime) => {
    if (!inTime) await abandon(cell)
    afterEnd(cell)
  })
}

/** Children (reverse order), then `stop`, then cleanups. */
async function endWork(cell: ActorCell, reason: ExitReason): Promise<void> {
  const live = cell.live
  const state = cell.state
  const children = cell.children
  if (children !== null) {
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]
      if (child !== undefined) await cell.stopChildOnEnd(child)
    }
  }
  const stop = cell.behavior.stop
  if (live && stop !== undefined) {
    try {
      const call = (): unknown => stop(state, cell, reason)
      await (cell.env.attribute ? actorScope.run(cell, call) : call())
    } catch (e) {
      cell.env.log.warn({ err: e, path: cell.path }, `stop of ${cell.path} threw: ${describeError(e)}`)
    }
  }
  await cell.owned?.runCleanups(false, cell.env.log, cell.path)
}

function afterEnd(cell: ActorCell): void {
  cell.owned?.cancelTimers()
  cell.owned = null
  cell.live = false
  cell.state = undefined
}

/** Force-closes the incarnation: children force-stopped, timers cancelled, cleanups forced. */
async function abandon(cell: ActorCell): Promise<void> {
  cell.busy = false
  cell.inflight = null
  cell.emitSupervision('abandoned', `did not stop within ${cell.shutdownMs} ms`)
  cell.env.log.warn(
    { path: cell.path },
    `actor ${cell.path} abandoned after ${cell.shutdownMs} ms; resources force-closed`,
  )
  const children = cell.children
  if (children !== null) for (let i = children.length - 1; i >= 0; i--) forceStop(children[i]!)
  cell.owned?.cancelTimers()
  await cell.owned?.runCleanups(true, cell.env.log, cell.path)
}

function forceStop(cell: ActorCell): void {
  if (cell.isFinal) return
  cell.newEpoch()
  cell.status = 'stopping'
  void abandon(cell).then(() => {
    afterEnd(cell)
    finalize(cell, { kind: 'abandoned' })
  })
}

/** Makes the end final: mailbox dead-lettered, watchers told, status `stopped` or `failed`. */
export function finalize(
  cell: ActorCell,
  reason: ExitReason,
  status: 'stopped' | 'failed' = 'stopped',
): void {
  if (cell.isFinal) return
  cell.status = status
  cell.busy = false
  const dl = cell.env.deadLetters
  cell.mailbox.drain((msg, reply) => {
    dl.record(cell.path, msg.type, 'stopped')
    reply?.reject(new ActorStopped(cell.path))
  })
  cell.mailbox.drainSystem()
  cell.emitSupervision(status === 'failed' ? 'gave-up' : 'stopped', reason.kind)
  notifyWatchers(cell, reason)
}
