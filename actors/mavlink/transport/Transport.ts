/**
 * What the proxy needs from a byte link: write a frame, hear chunks, hear that the link came up or
 * went down, close. Implementations reconnect on their own with exponential backoff (0.5 s doubling
 * to 5 s) using the owner's timers, so nothing polls: a link that is down costs one timer per
 * retry, a link that is up costs nothing but its socket.
 */

/** Callbacks of a transport. */
export interface TransportHandlers {
  onData(chunk: Uint8Array): void
  /** The link is usable (socket bound, connected, port open). */
  onUp(): void
  /** The link went down; it will retry by itself. */
  onDown(reason: string): void
}

/** Timers owned by the transport's owner (an actor incarnation): cancelled when it ends. */
export interface Timers {
  now(): number
  setTimeout(fn: () => void, ms: number): () => void
}

/** An open transport. */
export interface Transport {
  /** Sends one frame; false when it could not be sent (link down, no peer yet). */
  write(bytes: Uint8Array): boolean
  /** True while the link is usable. */
  readonly up: boolean
  /** Sending first makes the peer notice us (udpout): announce while no autopilot is heard. */
  readonly announces: boolean
  /** The local address once bound (UDP, TCP listeners): how a port 0 is learned. */
  local?(): { readonly host: string; readonly port: number } | undefined
  close(): Promise<void>
}

/** Reconnect delays: 500 ms doubling to 5 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(5_000, 500 * 2 ** Math.min(attempt, 10))
}
