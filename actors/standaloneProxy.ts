/**
 * Runs one proxy actor outside the runtime, in its own small actor system with a `close()` that
 * stops it (running its cleanups). `startStandalone` (`createLocalDbProxy`, `createCloudDbProxy`,
 * `createBucketProxy`) puts the actor under the root and rejects with the actor's own error when
 * its `init` fails; `startSupervised` (`createRedisProxy`, `createMqttProxy`, `createMavlinkProxy`)
 * puts it under a supervisor that restarts it on a crash, up to 5 times a minute.
 */
import {
  type ActorRef,
  type ActorSystem,
  type ActorSystemOptions,
  type BackoffOptions,
  type Behavior,
  createActorSystem,
  type Logger,
  type Message,
  supervisor,
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

/** How {@link startSupervised} runs its actor. */
export interface SupervisedOptions {
  /** The system's clock and logger (its defaults when absent). */
  readonly system?: Pick<ActorSystemOptions, 'clock' | 'logger'>
  /** Restart backoff (default 100 ms doubling to 5 s). */
  readonly backoff?: BackoffOptions
  /** How long the actor may take to stop. */
  readonly shutdownMs: number
}

/**
 * Starts `behavior` as `/<id>` under a supervisor (5 restarts within 60 s, then it gives up) in a
 * new actor system; resolves once the actor was started (or its start failed and was retried).
 *
 * @example
 * ```ts
 * const { ref, close } = await startSupervised('redis', redisBehavior(options), { shutdownMs: 2000 })
 * ```
 * @category constructors
 */
export async function startSupervised<S, M extends Message>(
  id: string,
  behavior: Behavior<S, M>,
  options: SupervisedOptions,
): Promise<Standalone<M> & { readonly system: ActorSystem }> {
  const system = createActorSystem(options.system ?? {})
  await system.start(
    supervisor({
      intensity: 5,
      periodMs: 60_000,
      backoff: options.backoff ?? { minMs: 100, maxMs: 5000 },
      children: [{ id, start: behavior, shutdownMs: options.shutdownMs }],
    }),
  )
  return { system, ref: system.lookup<M>(`/${id}`)!, close: () => system.stop() }
}
