/**
 * Load generation for the messaging benchmark: an mqtt.js client that sends commands at a fixed
 * rate (open loop: each 1 ms tick sends what the schedule owes) or with a fixed number in flight
 * (closed loop, for the highest sustained rate), and measures each round trip from publish to the
 * response's arrival. Also the transport floor: a bare mqtt.js client that echoes each command
 * straight back as its response, with the same QoS.
 */
import mqtt, { type MqttClient } from 'mqtt'

/** Latencies (ms) of one run, and what was lost. */
export interface RunResult {
  readonly latencies: number[]
  readonly sent: number
  readonly lost: number
  readonly seconds: number
}

/** A connected load client for one device base topic. */
export interface LoadClient {
  /** Sends `count` commands at `rate`/s; resolves when all answered or `graceMs` after the last. */
  openLoop(command: string, rate: number, count: number, graceMs?: number): Promise<RunResult>
  /** Keeps `inFlight` commands outstanding for `ms`; resolves with the completions. */
  closedLoop(command: string, inFlight: number, ms: number): Promise<RunResult>
  close(): Promise<void>
}

async function connect(port: number, id: string): Promise<MqttClient> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    clientId: id,
    protocolVersion: 5,
    reconnectPeriod: 0,
    log: () => {},
  })
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve())
    c.once('error', reject)
  })
  ;(c.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true)
  return c
}

/** Connects a load client to the device at `base`. */
export async function loadClient(port: number, base: string): Promise<LoadClient> {
  const c = await connect(port, `bench-load-${process.pid}-${Math.random().toString(36).slice(2)}`)
  await c.subscribeAsync(`${base}/response`, { qos: 1 })
  const pending = new Map<string, number>()
  let onAnswer: (latency: number) => void = () => {}
  c.on('message', (_t, payload) => {
    const id = /"messageId":"([^"]+)"/.exec(payload.toString())?.[1]
    const t0 = id === undefined ? undefined : pending.get(id)
    if (t0 === undefined) return
    pending.delete(id!)
    onAnswer(performance.now() - t0)
  })
  let seq = 0
  const send = (command: string): void => {
    const id = `b${++seq}`
    pending.set(id, performance.now())
    c.publish(
      `${base}/command/edge`,
      `{"messageId":"${id}","command":"${command}","payload":{},"waitResponse":true}`,
      { qos: 1 },
    )
  }
  return {
    openLoop: (command, rate, count, graceMs = 3000) =>
      new Promise((resolve) => {
        pending.clear()
        const latencies: number[] = []
        const start = performance.now()
        let sent = 0
        let lastSent = 0
        const finish = (): void => {
          clearInterval(tick)
          clearInterval(watch)
          resolve({
            latencies,
            sent,
            lost: sent - latencies.length,
            seconds: (performance.now() - start) / 1000,
          })
        }
        onAnswer = (ms) => {
          latencies.push(ms)
          if (latencies.length === count) finish()
        }
        const tick = setInterval(() => {
          const owed = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate))
          while (sent < owed) {
            send(command)
            sent++
          }
          if (sent === count && lastSent === 0) lastSent = performance.now()
        }, 1)
        const watch = setInterval(() => {
          if (lastSent > 0 && performance.now() - lastSent > graceMs) finish()
        }, 100)
      }),
    closedLoop: (command, inFlight, ms) =>
      new Promise((resolve) => {
        pending.clear()
        const latencies: number[] = []
        let sent = 0
        let open = true
        onAnswer = (l) => {
          latencies.push(l)
          if (open) {
            send(command)
            sent++
          }
        }
        for (let i = 0; i < inFlight; i++, sent++) send(command)
        setTimeout(() => {
          open = false
          resolve({ latencies, sent, lost: 0, seconds: ms / 1000 })
        }, ms)
      }),
    close: () => c.endAsync(true),
  }
}

/** The floor: a bare mqtt.js client answering every command on `base` at once. */
export async function echoClient(port: number, base: string): Promise<{ close(): Promise<void> }> {
  const c = await connect(port, `bench-echo-${process.pid}`)
  await c.subscribeAsync(`${base}/command/edge`, { qos: 1 })
  c.on('message', (_t, payload) => {
    const id = /"messageId":"([^"]+)"/.exec(payload.toString())?.[1]
    c.publish(`${base}/response`, `{"messageId":"${id}","status":"success"}`, { qos: 1 })
  })
  return { close: () => c.endAsync(true) }
}

/** The q-quantile (0..1) of `xs`, in place. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN
  xs.sort((a, b) => a - b)
  return xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!
}
