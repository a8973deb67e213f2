/**
 * A behaviour whose code, and the SDK under it, loads when the actor first starts, so a proxy
 * kind that is not enabled costs nothing at start-up (the AWS SDKs alone take about a second to
 * load on the 2-core target). The first `init` awaits the module; later incarnations reuse it and
 * start synchronously. A module that fails to load fails that `init` with the loader's own error
 * (`ERR_MODULE_NOT_FOUND` naming the package), as a throwing constructor would: the supervisor
 * restarts the actor with backoff and the next start tries the import again. Options baked into
 * the loaded behaviour are not seen by the kernel: give them in the child spec instead.
 */
import type { Behavior, Message } from '../runtime/kernel/index.ts'

/**
 * Wraps `load` (a dynamic `import()` of the real behaviour's module) as a behaviour.
 *
 * @example
 * ```ts
 * child: (options) => ({
 *   start: lazyBehavior(() => import('./bucketBehavior.ts').then((m) => m.bucketBehavior(options))),
 * })
 * ```
 * @category constructors
 */
export function lazyBehavior<S, M extends Message>(load: () => Promise<Behavior<S, M>>): Behavior<S, M> {
  let inner: Behavior<S, M> | undefined
  return {
    init: (ctx) =>
      inner === undefined
        ? load().then((b) => {
            inner = b
            return b.init(ctx)
          })
        : inner.init(ctx),
    receive: (s, msg, ctx) => (inner as Behavior<S, M>).receive(s, msg, ctx),
    stop: (s, ctx, reason) => inner?.stop?.(s, ctx, reason),
  }
}
