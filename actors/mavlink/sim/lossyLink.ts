/**
 * A seeded, in-process stand-in for a radio link (CI has no `tc netem`): two ends, and per
 * direction loss, one-way latency, jitter, a serial-style bandwidth (baud / 10 bytes per second,
 * with a bounded transmit buffer that drops what overflows), duplication, reordering and byte
 * corruption. Each `write` is one chunk (a frame, as a radio packet or UDP datagram would carry
 * it). Everything random comes from one seed (each direction its own stream), and every delay from
 * the injected clock, so a run on the virtual clock repeats exactly. Delivery is always through a
 * timer, never inside `write`, so no caller is re-entered.
 */
import { type Clock, seededRandom } from '../../../runtime/kernel/index.ts'

/** Impairments of one direction; every field defaults to "perfect". */
export interface DirectionOptions {
  /** Probability a chunk is lost, 0..1. */
  readonly loss?: number
  /** One-way delay, ms. */
  readonly latencyMs?: number
  /** Extra delay uniform in [0, jitterMs). Chunks stay in order unless `reorder` says otherwise. */
  readonly jitterMs?: number
  /** Serial rate in bit/s (10 bits per byte); undefined = unlimited. */
  readonly baud?: number
  /** Transmit buffer when `baud` is set, bytes; a chunk that does not fit is dropped. Default 4096. */
  readonly bufferBytes?: number
  /** Probability a chunk is delivered twice. */
  readonly duplicate?: number
  /** Probability a chunk is held back (by latency + 2 × jitter + 5 ms) and overtaken. */
  readonly reorder?: number
  /** Probability one bit of a chunk is flipped. */
  readonly corrupt?: number
  /** Drops every chunk this returns true for (deterministic fault injection). */
  readonly dropIf?: (chunk: Uint8Array) => boolean
}

/** Options of {@link createLossyLink}. */
export interface LossyLinkOptions {
  readonly clock: Clock
  readonly seed: number
  /** Ground to vehicle. */
  readonly up?: DirectionOptions
  /** Vehicle to ground. */
  readonly down?: DirectionOptions
}

/** Counters of one direction. */
export interface DirectionStats {
  sent: number
  delivered: number
  lost: number
  overflowed: number
  duplicated: number
  corrupted: number
  bytes: number
}

/** One end of the link. */
export interface LinkEnd {
  write(chunk: Uint8Array): void
  /** Sets the receiver (one per end). */
  onData(receiver: (chunk: Uint8Array) => void): void
}

/** A link: `ground` is the proxy's end, `vehicle` the autopilot's. */
export interface LossyLink {
  readonly ground: LinkEnd
  readonly vehicle: LinkEnd
  readonly stats: { readonly up: DirectionStats; readonly down: DirectionStats }
  /** Cuts (true) or restores (false) both directions: while cut, everything is lost. */
  cut(on: boolean): void
  /** Replaces a direction's impairments. */
  configure(direction: 'up' | 'down', options: DirectionOptions): void
}

function direction(clock: Clock, seed: number, initial: DirectionOptions, isCut: () => boolean) {
  const random = seededRandom(seed)
  let o = initial
  let busyUntil = 0
  let lastArrival = 0
  let receiver: (chunk: Uint8Array) => void = () => {}
  const stats: DirectionStats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    overflowed: 0,
    duplicated: 0,
    corrupted: 0,
    bytes: 0,
  }
  const deliverAt = (chunk: Uint8Array, at: number): void => {
    clock.setTimeout(
      () => {
        stats.delivered++
        receiver(chunk)
      },
      Math.max(0, at - clock.now()),
    )
  }
  return {
    stats,
    configure(next: DirectionOptions) {
      o = next
    },
    setReceiver(r: (chunk: Uint8Array) => void) {
      receiver = r
    },
    send(chunk: Uint8Array) {
      stats.sent++
      stats.bytes += chunk.length
      // Draw every random number every time, so one impairment's setting never shifts another's.
      const rLoss = random()
      const rJitter = random()
      const rDup = random()
      const rReorder = random()
      const rCorrupt = random()
      const rBit = random()
      if (isCut() || rLoss < (o.loss ?? 0) || o.dropIf?.(chunk) === true) {
        stats.lost++
        return
      }
      const now = clock.now()
      let departure = now
      if (o.baud !== undefined) {
        const start = Math.max(now, busyUntil)
        const queued = ((start - now) * o.baud) / 10_000
        if (queued + chunk.length > (o.bufferBytes ?? 4096)) {
          stats.overflowed++
          return
        }
        departure = start + (chunk.length * 10_000) / o.baud
        busyUntil = departure
      }
      let arrival = departure + (o.latencyMs ?? 0) + rJitter * (o.jitterMs ?? 0)
      if (rReorder < (o.reorder ?? 0)) arrival += (o.latencyMs ?? 0) + 2 * (o.jitterMs ?? 0) + 5
      else {
        arrival = Math.max(arrival, lastArrival)
        lastArrival = arrival
      }
      let payload = chunk
      if (rCorrupt < (o.corrupt ?? 0) && chunk.length > 0) {
        payload = Uint8Array.from(chunk)
        const bit = Math.floor(rBit * chunk.length * 8)
        payload[bit >> 3]! ^= 1 << (bit & 7)
        stats.corrupted++
      }
      deliverAt(payload, arrival)
      if (rDup < (o.duplicate ?? 0)) {
        stats.duplicated++
        deliverAt(payload, arrival + 1)
      }
    },
  }
}

/**
 * A lossy duplex link between a ground end and a vehicle end.
 *
 * @example
 * const link = createLossyLink({ clock, seed: 7, up: { loss: 0.1, latencyMs: 75 }, down: { loss: 0.1, latencyMs: 75 } })
 * link.vehicle.onData((bytes) => vehicle.receive(bytes))
 *
 * @category simulation
 */
export function createLossyLink(options: LossyLinkOptions): LossyLink {
  let cut = false
  const isCut = () => cut
  const up = direction(options.clock, options.seed, options.up ?? {}, isCut)
  const down = direction(options.clock, options.seed + 0x9e3779b9, options.down ?? {}, isCut)
  return {
    ground: { write: (c) => up.send(c), onData: (r) => down.setReceiver(r) },
    vehicle: { write: (c) => down.send(c), onData: (r) => up.setReceiver(r) },
    stats: { up: up.stats, down: down.stats },
    cut(on) {
      cut = on
    },
    configure(which, o) {
      ;(which === 'up' ? up : down).configure(o)
    },
  }
}
