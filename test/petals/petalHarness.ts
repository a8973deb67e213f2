/**
 * Runs one petal as the host would (its actor, real proxy facades, a job sink that records every
 * job event), so a petal's MQTT and HTTP handlers can be tested through its mailbox without MQTT.
 */
import type { ProxyName } from '../../actors/ProxyKind.ts'
import { type ActorRef, type ActorSystem, createActorSystem } from '../../runtime/kernel/index.ts'
import type { HttpRequest, MqttCommand, MqttResponse, Petal } from '../../runtime/petal/definePetal.ts'
import type { JobEvent } from '../../runtime/petal/jobs.ts'
import { type HttpReply, type PetalMsg, petalBehavior } from '../../runtime/petal/petalActor.ts'

/** A petal under test. */
export interface PetalUnderTest {
  readonly ref: ActorRef<PetalMsg>
  readonly events: JobEvent[]
  mqtt(key: string, payload: Record<string, unknown>): Promise<MqttResponse>
  http(
    route: `${'GET' | 'POST'} /${string}`,
    path: string,
    body?: unknown,
    params?: Record<string, string>,
  ): Promise<HttpReply>
  /** Phase-2 messages the petal published (`ctx.publish`, `ctx.operation`). */
  readonly published: PublishedMessage[]
  /** Resolves with the final event of job `id` (succeeded, failed or cancelled). */
  jobEnd(id: string, timeoutMs?: number): Promise<JobEvent>
  stop(): Promise<void>
}

/** A message published through `ctx.publish`. */
export interface PublishedMessage {
  readonly event: string
  readonly payload: unknown
  readonly messageId: string | undefined
}

let seq = 0

/** Starts `petal` with the given proxy facades. */
export async function startPetal(
  petal: Petal,
  facades: Partial<Record<ProxyName, unknown>>,
): Promise<PetalUnderTest> {
  const system: ActorSystem = createActorSystem()
  const events: JobEvent[] = []
  const published: PublishedMessage[] = []
  const ref = await system.spawn<unknown, PetalMsg>(
    petal.name,
    petalBehavior(petal, {
      log: { debug() {}, info() {}, warn() {}, error() {} },
      facade: (name) => facades[name],
      subscribe: () => undefined,
      jobSink: (e) => events.push({ kind: e.kind, job: { ...e.job, progress: e.job.progress } }),
      publish: async (event, payload, messageId) => {
        published.push({ event, payload, messageId })
        return true
      },
      settings: {},
    }) as never,
  )
  const snap = ref.getSnapshot()
  if (snap.value !== 'running') throw new Error(`${petal.name} did not start: ${snap.lastError}`)
  return {
    ref,
    events,
    published,
    mqtt: (key, payload) => {
      const command: MqttCommand = {
        messageId: `m-${++seq}`,
        command: `${petal.name}/${key}`,
        payload,
        waitResponse: true,
      }
      return ref.ask<MqttResponse>({ type: 'mqtt', key, command }, { timeoutMs: 60_000 })
    },
    http: (route, path, body, params = {}) => {
      const request: HttpRequest = {
        method: route.split(' ')[0] as 'GET',
        path,
        params,
        query: {},
        body,
        headers: {},
      }
      return ref.ask<HttpReply>({ type: 'http', route, request }, { timeoutMs: 60_000 })
    },
    jobEnd: async (id, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const end = events.find(
          (e) => e.job.id === id && ['succeeded', 'failed', 'cancelled'].includes(e.kind),
        )
        if (end !== undefined) return end
        if (Date.now() > deadline) throw new Error(`job ${id} did not end within ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, 25))
      }
    },
    stop: () => system.stop(),
  }
}
