/**
 * The process as `/health/detailed` shows it: resident memory, V8 heap in use, active handles
 * (`process.getActiveResourcesInfo()`: sockets, timers, file handles...) and uptime. A chaos run
 * samples it over time to catch memory or handle growth. Cheap: no network, no file beyond what
 * `process.memoryUsage()` reads.
 */

/** The `process` section of `/health/detailed`. */
export interface ProcessStats {
  readonly rss_bytes: number
  readonly heap_used_bytes: number
  /** Active resources keeping the event loop busy (handles and requests). */
  readonly handles: number
  readonly uptime_s: number
}

/**
 * Reads the process's figures now.
 *
 * @category health
 */
export function processStats(): ProcessStats {
  const mem = process.memoryUsage()
  return {
    rss_bytes: mem.rss,
    heap_used_bytes: mem.heapUsed,
    handles: process.getActiveResourcesInfo().length,
    uptime_s: Math.round(process.uptime() * 1000) / 1000,
  }
}
