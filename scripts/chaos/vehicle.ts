/**
 * The chaos run's autopilot: the simulated ArduPilot vehicle in the harness's own process, behind
 * the seeded lossy link, on a UDP port the runtime dials (`udpout:127.0.0.1:<port>`). The harness
 * changes the link's loss and cuts it on schedule, and reads the vehicle's parameter values
 * directly to check each bulk set's report against what the vehicle really holds.
 */
import { clockTimers } from '../../actors/mavlink/MavlinkSession.ts'
import { createLossyLink, type LossyLink } from '../../actors/mavlink/sim/lossyLink.ts'
import { SimVehicle } from '../../actors/mavlink/sim/SimVehicle.ts'
import { openTransport } from '../../actors/mavlink/transport/openTransport.ts'
import { bitsToFloat, PARAM_TYPES } from '../../machines/paramValue.ts'
import { realClock } from '../../runtime/kernel/index.ts'

/** One parameter the load generator may set. */
export interface SettableParam {
  readonly name: string
  /** MAV_PARAM_TYPE name, e.g. 'REAL32', 'INT16'. */
  readonly type: string
}

/** The running vehicle. */
export interface ChaosVehicle {
  /** The endpoint the runtime should use. */
  readonly endpoint: string
  readonly link: LossyLink
  /** Frames lost each way, 0..1 (the base loss when no fault is active). */
  setLoss(loss: number): void
  cut(on: boolean): void
  /** The vehicle's current value of `name` (ArduPilot: a C-cast float). */
  value(name: string): number | undefined
  /** Parameters of the table that accept writes, REAL32 and INT16. */
  settable(): readonly SettableParam[]
  close(): Promise<void>
}

const LATENCY_MS = 20

/** Starts the vehicle and its link; resolves once its UDP port is bound. */
export async function startVehicle(seed: number, baseLoss: number): Promise<ChaosVehicle> {
  const impairment = (loss: number) => ({ loss, latencyMs: LATENCY_MS, jitterMs: 5 })
  const link = createLossyLink({
    clock: realClock,
    seed,
    up: impairment(baseLoss),
    down: impairment(baseLoss),
  })
  const vehicle = new SimVehicle({
    clock: realClock,
    autopilot: 'ardupilot',
    armed: false,
    paramErrors: false,
  })
  const port = vehicle.attach((b) => link.vehicle.write(b))
  link.vehicle.onData((b) => port.receive(b))
  let resolvePort: (port: number) => void = () => {}
  const bound = new Promise<number>((resolve) => {
    resolvePort = resolve
  })
  const transport = openTransport(
    { kind: 'udpin', host: '127.0.0.1', port: 0 },
    {
      onData: (chunk) => link.ground.write(chunk),
      onUp: () => resolvePort(transport.local?.()?.port ?? 0),
      onDown: () => {},
    },
    clockTimers(realClock),
  )
  link.ground.onData((b) => transport.write(b))
  vehicle.start()
  const udpPort = await bound
  const REAL32 = PARAM_TYPES.REAL32
  const INT16 = PARAM_TYPES.INT16
  return {
    endpoint: `udpout:127.0.0.1:${udpPort}`,
    link,
    setLoss(loss) {
      link.configure('up', impairment(loss))
      link.configure('down', impairment(loss))
    },
    cut: (on) => link.cut(on),
    value(name) {
      const p = vehicle.params.get(name)
      return p === undefined ? undefined : bitsToFloat(p.bits)
    },
    settable() {
      const out: SettableParam[] = []
      for (let i = 0; i < vehicle.params.count; i++) {
        const p = vehicle.params.at(i)!
        if (p.readOnly) continue
        if (p.type === REAL32) out.push({ name: p.name, type: 'REAL32' })
        else if (p.type === INT16) out.push({ name: p.name, type: 'INT16' })
      }
      return out
    },
    async close() {
      vehicle.stop()
      await transport.close()
    },
  }
}
