/**
 * `petal sim`: the simulated autopilot as a process, for trying the runtime and the CLI without a
 * vehicle. It listens on `udpin:127.0.0.1:14550` by default and answers whoever sent the last
 * frame; `--connect udpout:H:P` or `tcp:H:P` dials out, `--serial DEV:BAUD` opens a serial device
 * (a socat pty works). Between the wire and the vehicle sits the seeded lossy link: `--loss`,
 * `--latency-ms` (one way), `--baud` (both directions, 10 bits per byte; with `--serial` the
 * device's baud rate applies unless `--baud` says otherwise), `--drop MSG` (lose every frame of
 * that message, as a fault). Prints one JSON `ready` line on stdout, then runs until SIGINT or
 * SIGTERM (exit 0). Bad flags exit 2 with a message.
 */

import { messageId } from '../../actors/mavlink/codec/messages.ts'
import { MavlinkError } from '../../actors/mavlink/errors.ts'
import { clockTimers } from '../../actors/mavlink/MavlinkSession.ts'
import { createLossyLink } from '../../actors/mavlink/sim/lossyLink.ts'
import { SimVehicle } from '../../actors/mavlink/sim/SimVehicle.ts'
import { type Endpoint, formatEndpoint, parseEndpoint } from '../../actors/mavlink/transport/endpoint.ts'
import { openTransport } from '../../actors/mavlink/transport/openTransport.ts'
import { ProxyUnavailable } from '../../actors/ProxyUnavailable.ts'
import { realClock } from '../kernel/index.ts'

/** Flags of `petal sim`. */
export interface SimFlags {
  readonly autopilot: string
  readonly listen?: string
  readonly connect?: string
  readonly serial?: string
  readonly loss?: string
  readonly latencyMs?: string
  readonly baud?: string
  readonly seed?: string
  readonly armed: boolean
  readonly paramErrors: boolean
  readonly sysid?: string
  readonly rebootSilenceMs?: string
  readonly drop?: readonly string[]
}

class UsageError extends Error {}

function number(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${flag}: expected a number in ${min}..${max}, got '${text}'`)
  return n
}

function endpointOf(flags: SimFlags): Endpoint {
  const given = [flags.listen, flags.connect, flags.serial].filter((x) => x !== undefined)
  if (given.length > 1) throw new UsageError('give one of --listen, --connect, --serial')
  try {
    if (flags.serial !== undefined) return parseEndpoint(`serial:${flags.serial}`)
    const e = parseEndpoint(flags.listen ?? flags.connect ?? 'udpin:127.0.0.1:14550')
    if (flags.listen !== undefined && e.kind !== 'udpin' && e.kind !== 'tcpin')
      throw new UsageError(`--listen: expected udpin:H:P or tcpin:H:P, got '${flags.listen}'`)
    if (flags.connect !== undefined && e.kind !== 'udpout' && e.kind !== 'tcp')
      throw new UsageError(`--connect: expected udpout:H:P or tcp:H:P, got '${flags.connect}'`)
    return e
  } catch (e) {
    if (e instanceof MavlinkError || e instanceof ProxyUnavailable) throw new UsageError(e.message)
    throw e
  }
}

/** The msgid of an encoded frame (v1 or v2). */
function msgidOf(b: Uint8Array): number {
  return b[0] === 0xfd ? b[7]! | (b[8]! << 8) | (b[9]! << 16) : b[5]!
}

/** Runs the simulator until a signal; resolves with the exit code. */
export async function runSim(flags: SimFlags): Promise<number> {
  let endpoint: Endpoint
  let link: ReturnType<typeof createLossyLink>
  let vehicle: SimVehicle
  try {
    if (flags.autopilot !== 'ardupilot' && flags.autopilot !== 'px4')
      throw new UsageError(`--autopilot: expected ardupilot or px4, got '${flags.autopilot}'`)
    endpoint = endpointOf(flags)
    const loss = number('--loss', flags.loss, 0, 1) ?? 0
    const latencyMs = number('--latency-ms', flags.latencyMs, 0, 60_000) ?? 0
    const baud =
      number('--baud', flags.baud, 300, 20_000_000) ??
      (endpoint.kind === 'serial' ? endpoint.baud : undefined)
    const seed = number('--seed', flags.seed, 0, 2 ** 31) ?? 1
    const silence = number('--reboot-silence-ms', flags.rebootSilenceMs, 0, 600_000)
    const sysid = number('--sysid', flags.sysid, 1, 255)
    const dropped = new Set<number>()
    for (const name of flags.drop ?? []) {
      const id = messageId(name.toUpperCase())
      if (id === undefined) throw new UsageError(`--drop: unknown message '${name}'`)
      dropped.add(id)
    }
    const direction = {
      loss,
      latencyMs,
      ...(baud === undefined ? {} : { baud }),
    }
    link = createLossyLink({
      clock: realClock,
      seed,
      up: direction,
      down: {
        ...direction,
        ...(dropped.size === 0 ? {} : { dropIf: (b: Uint8Array) => dropped.has(msgidOf(b)) }),
      },
    })
    vehicle = new SimVehicle({
      clock: realClock,
      autopilot: flags.autopilot,
      armed: flags.armed,
      paramErrors: flags.paramErrors,
      ...(sysid === undefined ? {} : { sysid }),
      ...(baud === undefined ? {} : { bandwidthBytesPerSec: baud / 10 }),
      ...(silence === undefined ? {} : { rebootSilenceMs: silence }),
    })
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    process.stderr.write(`petal sim: ${e.message}\n`)
    return 2
  }
  const port = vehicle.attach((b) => link.vehicle.write(b))
  link.vehicle.onData((b) => port.receive(b))
  let announced = false
  const transport = openTransport(
    endpoint,
    {
      onData: (chunk) => link.ground.write(chunk),
      onUp: () => {
        if (announced) return
        announced = true
        const local = transport.local?.()
        const shown =
          local !== undefined && (endpoint.kind === 'udpin' || endpoint.kind === 'tcpin')
            ? formatEndpoint({ ...endpoint, port: local.port })
            : formatEndpoint(endpoint)
        process.stdout.write(
          `${JSON.stringify({ event: 'ready', endpoint: shown, autopilot: vehicle.autopilot, params: vehicle.params.count })}\n`,
        )
      },
      onDown: (why) => process.stderr.write(`petal sim: link down (${why}); retrying\n`),
    },
    clockTimers(realClock),
  )
  link.ground.onData((b) => transport.write(b))
  vehicle.start()
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      vehicle.stop()
      process.stderr.write(
        `${JSON.stringify({ event: 'stopped', reboots: vehicle.reboots, link: link.stats })}\n`,
      )
      transport.close().then(() => resolve(0))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
