/**
 * Redis answered a command with an error (`WRONGTYPE`, `NOPERM`, a syntax error...). Unlike the
 * original, which logged and returned `None`/`False`, the caller sees the server's own message.
 * A lost connection is not this error but `ProxyUnavailable`.
 */

/**
 * The server refused a command.
 *
 * @category errors
 */
export class RedisCommandError extends Error {
  readonly code = 'REDIS_ERROR'
  constructor(
    readonly command: string,
    serverMessage: string,
  ) {
    super(`redis refused ${command}: ${serverMessage}`)
    this.name = 'RedisCommandError'
  }
}
