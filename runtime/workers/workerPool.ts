/**
 * The worker-thread pool (piscina) for `cpuHeavy` MQTT handlers, so CPU-bound work never stalls
 * the event loop. A handler declared `{ cpuHeavy: true, worker: './heavy.js#crunch' }` runs the
 * export `crunch` (default `default`) of that module, resolved against the petal's own file, in a
 * worker thread, with `{ command, settings, petal }` (structured-cloned; no state, no proxies) and
 * its result as the response. Threads: one fewer than the cores, at least one; started on first
 * use, ended after 30 s idle (piscina itself loads with the first task). A handler past its time
 * limit has its thread terminated.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Piscina } from 'piscina'

/** What a worker handler receives. */
export interface WorkerTask {
  readonly command: unknown
  readonly settings: Readonly<Record<string, unknown>>
  readonly petal: string
}

/** Runs one worker handler of a petal. */
export type WorkerRunner = (worker: string, task: WorkerTask, signal: AbortSignal) => Promise<unknown>

/** A `worker` spec resolved to a module file and an export. */
export interface WorkerTarget {
  readonly file: string
  readonly exportName: string
}

/**
 * Resolves `'./heavy.js#crunch'` (or an absolute path, or a `file:` URL) against `baseDir`.
 * Throws an `Error` naming the file when it does not exist.
 *
 * @category host
 */
export function resolveWorker(worker: string, baseDir: string): WorkerTarget {
  const hash = worker.lastIndexOf('#')
  const spec = hash > 0 ? worker.slice(0, hash) : worker
  const exportName = hash > 0 ? worker.slice(hash + 1) : 'default'
  const file = spec.startsWith('file:')
    ? fileURLToPath(spec)
    : isAbsolute(spec)
      ? spec
      : resolve(baseDir, spec)
  if (!existsSync(file)) throw new Error(`worker module ${file} does not exist`)
  return { file, exportName }
}

/** The pool, created on first use. */
export interface WorkerPool {
  /** A runner resolving worker specs against `baseDir` (the petal's directory). */
  runner(baseDir: string): WorkerRunner
  /** Threads now alive (0 before first use). */
  readonly threads: number
  close(): Promise<void>
}

/**
 * Creates the pool (no thread starts before the first task).
 *
 * @example
 * const pool = createWorkerPool()
 * const run = pool.runner('/opt/petals/petal-x')
 * await run('./heavy.js#crunch', { command, settings: {}, petal: 'petal-x' }, signal)
 *
 * @category host
 */
export function createWorkerPool(o: { readonly maxThreads?: number } = {}): WorkerPool {
  let pool: Piscina | undefined
  const get = async (): Promise<Piscina> => {
    if (pool !== undefined) return pool
    const { Piscina } = await import('piscina')
    pool ??= new Piscina({
      maxThreads: o.maxThreads ?? Math.max(1, availableParallelism() - 1),
      minThreads: 0,
      idleTimeout: 30_000,
    })
    return pool
  }
  return {
    runner: (baseDir) => (worker, task, signal) => {
      const target = resolveWorker(worker, baseDir)
      const options = { filename: pathToFileURL(target.file).href, name: target.exportName, signal }
      return get().then((p) => p.run(task, options))
    },
    get threads() {
      return pool?.threads.length ?? 0
    },
    close: async () => {
      await pool?.destroy()
      pool = undefined
    },
  }
}

/** The directory a petal's module lives in (worker specs resolve against it). */
export function petalDir(file: string): string {
  return dirname(file)
}
