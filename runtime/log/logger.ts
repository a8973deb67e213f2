/**
 * The process logger: pino JSON lines on stdout and, with `PETAL_LOG_TO_FILE` (default true, as
 * the original), also in `<PETAL_LOG_DIR>/app.log`. Unlike the original, the file is rotated: when
 * it passes `PETAL_LOG_MAX_BYTES` (default 50 MiB; checked at start and every 30 s) it becomes
 * `app.log.1` (older ones shift up to `app.log.3`, the oldest is deleted) and a new file starts.
 * The last 500 lines are also kept in memory for the dashboard.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino'
import { LogRing } from './logRing.ts'

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly level: string
  readonly toFile: boolean
  readonly dir: string
  readonly maxBytes: number
  /** Where stdout lines go (tests pass a stream). Default: fd 1, synchronous. */
  readonly stdout?: DestinationStream
}

const KEEP = 3

/** A logger, its in-memory ring of recent lines, and the function that flushes and closes its file. */
export interface ProcessLogger {
  readonly log: PinoLogger
  readonly ring: LogRing
  close(): void
}

/**
 * Creates the process logger.
 *
 * @category logging
 */
export function createLogger(options: LoggerOptions): ProcessLogger {
  const stdout = options.stdout ?? pino.destination({ fd: 1, sync: true })
  const ring = new LogRing()
  const outputs = [
    { stream: stdout, level: 'trace' as const },
    { stream: ring, level: 'trace' as const },
  ]
  if (!options.toFile) {
    return {
      log: pino({ level: options.level, base: { pid: process.pid } }, pino.multistream(outputs)),
      ring,
      close: () => {},
    }
  }
  mkdirSync(options.dir, { recursive: true })
  const path = join(options.dir, 'app.log')
  rotateIfLarge(path, options.maxBytes)
  const file = pino.destination({ dest: path, sync: true, mkdir: true })
  const streams = pino.multistream([...outputs, { stream: file, level: 'trace' }])
  const log = pino({ level: options.level, base: { pid: process.pid } }, streams)
  const timer = setInterval(() => {
    if (rotateIfLarge(path, options.maxBytes)) file.reopen()
  }, 30_000)
  timer.unref()
  return {
    log,
    ring,
    close: () => {
      clearInterval(timer)
      file.flushSync()
    },
  }
}

/** Shifts `app.log` to `app.log.1` (and so on) when it is larger than `maxBytes`. */
export function rotateIfLarge(path: string, maxBytes: number): boolean {
  if (!existsSync(path) || statSync(path).size <= maxBytes) return false
  if (existsSync(`${path}.${KEEP}`)) rmSync(`${path}.${KEEP}`)
  for (let i = KEEP - 1; i >= 1; i--)
    if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`)
  renameSync(path, `${path}.1`)
  return true
}
