/**
 * petal-telemetry (the guide's example): publishes the vehicle's position, from MAVLink
 * GLOBAL_POSITION_INT, on `command/web` as `/petal-telemetry/position` at a configurable rate
 * (`petal_settings.petal-telemetry.rate_hz`, 0.1 to 10, default 1). Only a position newer than the
 * last one published is sent. MQTT: `get_position`, `set_rate` (`{ rate_hz }`); HTTP:
 * `GET /petals/petal-telemetry/position`.
 */
import {
  definePetal,
  type MavlinkMessage,
  type MqttResponse,
  type PetalInitContext,
} from '../../runtime/index.ts'

/** A position as the web app receives it. */
export interface Position {
  readonly lat: number
  readonly lon: number
  readonly alt_m: number
  readonly relative_alt_m: number
  readonly vx_ms: number
  readonly vy_ms: number
  readonly vz_ms: number
  readonly heading_deg: number | null
  readonly time_boot_ms: number
  readonly sysid: number
}

interface Feed {
  latest: Position | null
  seq: number
  publishedSeq: number
  published: number
  rateHz: number
  stop: () => void
}

function rateOf(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0.1 && value <= 10 ? value : undefined
}

function toPosition(m: MavlinkMessage): Position {
  const f = m.fields as Record<string, number>
  return {
    lat: f.lat / 1e7,
    lon: f.lon / 1e7,
    alt_m: f.alt / 1000,
    relative_alt_m: f.relativeAlt / 1000,
    vx_ms: f.vx / 100,
    vy_ms: f.vy / 100,
    vz_ms: f.vz / 100,
    heading_deg: f.hdg === 65535 ? null : f.hdg / 100,
    time_boot_ms: f.timeBootMs,
    sysid: m.sysid,
  }
}

/** (Re)starts the publishing timer at `feed.rateHz`. */
function schedule(feed: Feed, ctx: PetalInitContext): void {
  feed.stop()
  feed.stop = ctx.setInterval(() => {
    if (feed.latest === null || feed.seq === feed.publishedSeq) return
    feed.publishedSeq = feed.seq
    feed.published++
    void ctx.publish('position', { ...feed.latest })
  }, 1000 / feed.rateHz)
}

export default definePetal({
  name: 'petal-telemetry',
  version: '1.0.0',
  description: 'Publishes the vehicle position on command/web at a configurable rate',
  requires: ['ext_mavlink'],
  init: (ctx): Feed => {
    const feed: Feed = {
      latest: null,
      seq: 0,
      publishedSeq: 0,
      published: 0,
      rateHz: rateOf(ctx.settings.rate_hz) ?? 1,
      stop: () => {},
    }
    schedule(feed, ctx)
    return feed
  },
  on: {
    'mavlink:GLOBAL_POSITION_INT': (payload, feed: Feed): Feed => {
      feed.latest = toPosition(payload as MavlinkMessage)
      feed.seq++
      return feed
    },
  },
  mqtt: {
    get_position: (_msg, feed: Feed): MqttResponse =>
      feed.latest === null
        ? { status: 'error', message: 'no position received yet', error_code: 'NO_DATA' }
        : { status: 'success', data: feed.latest },
    set_rate: (msg, feed: Feed, ctx): MqttResponse => {
      const rate = rateOf(msg.payload.rate_hz)
      if (rate === undefined) {
        return {
          status: 'error',
          message: 'payload.rate_hz must be a number from 0.1 to 10',
          error_code: 'VALIDATION_ERROR',
        }
      }
      feed.rateHz = rate
      schedule(feed, ctx)
      return { status: 'success', data: { rate_hz: rate } }
    },
  },
  http: {
    'GET /position': (_req, feed: Feed) => ({
      position: feed.latest,
      rate_hz: feed.rateHz,
      published: feed.published,
    }),
  },
})
