/**
 * Ties stray async failures to the actor whose code caused them. Actor code (init, receive, stop,
 * guarded callbacks) runs inside an `AsyncLocalStorage` scope holding its cell; Node carries that
 * scope into promises and timers the code creates, so an unhandled rejection or an uncaught throw
 * from a plain `setTimeout` is attributed and becomes that actor's failure. `installProcessGuards`
 * adds the process-level listeners; a failure no actor owns is logged, never fatal.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Logger } from './Logger.ts'

/** The part of a cell the guards need. */
export interface AttributedActor {
  readonly path: string
  /** Fails the actor with `error`; false when it can no longer fail (stopped). */
  failFromOutside(error: unknown): boolean
}

/** The scope actor code runs in. One per process, shared by every actor system. */
export const actorScope = new AsyncLocalStorage<AttributedActor>()

let installed: { log: Logger; count: number; remove: () => void } | null = null

/**
 * Installs `unhandledRejection` and `uncaughtException` listeners that turn failures raised by
 * actor code into that actor's failure, and log (at error level) the ones no actor owns, instead
 * of letting Node exit. Returns the uninstaller. Installing twice shares one pair of listeners.
 *
 * @category failure handling
 */
export function installProcessGuards(log: Logger): () => void {
  if (installed !== null) {
    installed.count++
    return uninstallOnce()
  }
  const onFailure = (kind: string) => (error: unknown) => {
    const owner = actorScope.getStore()
    if (owner?.failFromOutside(error)) return
    const where = owner === undefined ? 'outside any actor' : `from stopped actor ${owner.path}`
    log.error({ err: error, kind }, `${kind} ${where} (process kept running)`)
  }
  const onRejection = onFailure('unhandled rejection')
  const onException = onFailure('uncaught exception')
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  installed = {
    log,
    count: 1,
    remove: () => {
      process.off('unhandledRejection', onRejection)
      process.off('uncaughtException', onException)
    },
  }
  return uninstallOnce()
}

function uninstallOnce(): () => void {
  let done = false
  return () => {
    if (done || installed === null) return
    done = true
    if (--installed.count === 0) {
      installed.remove()
      installed = null
    }
  }
}
