/**
 * Runs one proxy actor outside the runtime, for `createLocalDbProxy`, `createCloudDbProxy` and
 * `createBucketProxy`: its own small actor system, the actor under its root, and a `close()` that
 * stops it (running its cleanups). Rejects with the actor's own error when its `init` fails.
 */
import {
  type ActorRef,
  type Behavior,
  createActorSystem,
  type Logger,
  type Message,
} from '../runtime/kernel/index.ts'

/** A proxy actor running on its own. */
export interface Standalone<M extends Message> {
  readonly ref: ActorRef<M>
  close(): Promise<void>
}

/** Starts `behavior` as `/<id>` in a new actor system. */
export async function startStandalone<S, M extends Message>(
  id: string,
  behavior: Behavior<S, M>,
  logger?: Logger,
): Promise<Standalone<M>> {
  const system = createActorSystem(logger === undefined ? {} : { logger })
  const ref = await system.spawn(id, behavior, { shutdownMs: 30_000 })
  const snap = ref.getSnapshot()
  if (snap.value !== 'running') {
    await system.stop()
    throw new Error(`${id} did not start: ${snap.lastError ?? snap.value}`)
  }
  return { ref, close: () => system.stop() }
}
