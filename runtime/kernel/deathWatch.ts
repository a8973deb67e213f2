/**
 * Death watch: `ctx.watch(ref)` delivers `{ type: 'terminated', ref, reason }` to the watcher, on
 * its system lane (ahead of its user messages), once the watched actor has ended for good (stopped,
 * or failed past its supervisor's budget). A restart is not an end: the ref lives on. Watching an
 * actor that already ended delivers `terminated` at once.
 */
import type { ActorCell } from './ActorCell.ts'
import type { ExitReason, Message } from './Behavior.ts'

const SHUTDOWN: ExitReason = { kind: 'shutdown' }

/** `watcher` hears of `target`'s end. */
export function watch(watcher: ActorCell, target: ActorCell): void {
  if (target.isFinal) {
    watcher.signal({ kind: 'deliver', msg: terminatedOf(target, SHUTDOWN) })
    return
  }
  if (target.watchers === null) target.watchers = [watcher]
  else if (!target.watchers.includes(watcher)) target.watchers.push(watcher)
}

/** `watcher` no longer hears of `target`'s end. */
export function unwatch(watcher: ActorCell, target: ActorCell): void {
  if (target.watchers !== null) target.watchers = target.watchers.filter((w) => w !== watcher)
}

/** Tells every watcher of `cell` that it ended, once. */
export function notifyWatchers(cell: ActorCell, reason: ExitReason): void {
  const watchers = cell.watchers
  cell.watchers = null
  if (watchers === null) return
  const msg = terminatedOf(cell, reason)
  for (const w of watchers) w.signal({ kind: 'deliver', msg })
}

function terminatedOf(cell: ActorCell, reason: ExitReason): Message {
  return { type: 'terminated', ref: cell.self, reason } as Message
}
