/**
 * The one error every proxy kind raises when its backend is away: the proxy is alive (it
 * reconnects on its own, with backoff) but cannot serve the call now. Callers branch on
 * `code === 'PROXY_UNAVAILABLE'`; the message names the proxy and why.
 */

/**
 * A proxy cannot reach its backend (disconnected, reconnecting, or the call's wait ran out).
 *
 * @example
 * try { await redis.get('k') } catch (e) { if (e instanceof ProxyUnavailable) retryLater() }
 *
 * @category errors
 */
export class ProxyUnavailable extends Error {
  readonly code = 'PROXY_UNAVAILABLE'
  constructor(
    readonly proxy: string,
    readonly reason: string,
  ) {
    super(`${proxy} is unavailable: ${reason}`)
    this.name = 'ProxyUnavailable'
  }
}
