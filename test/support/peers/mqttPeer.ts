/**
 * A web-app stand-in on mqtt.js (a separate client, not our proxy): sends commands to a device's
 * `command/edge`, collects what the device publishes on `response` and `command/web`, and can
 * resend, with the same `messageId`, every command still without a response (what a real app does
 * after a broker outage).
 */
import mqtt, { type MqttClient } from 'mqtt'

/** A command as the peer sends it. */
export interface PeerCommand {
  readonly messageId: string
  readonly command: string
  readonly payload?: Record<string, unknown>
  readonly waitResponse?: boolean
}

/** The peer. */
export interface MqttPeer {
  readonly client: MqttClient
  /** Responses by messageId, each list in arrival order. */
  readonly responses: Map<string, Record<string, unknown>[]>
  /** Messages on `command/web`, in arrival order. */
  readonly web: Record<string, unknown>[]
  send(cmd: PeerCommand | string): void
  /** Resends every sent command that has no response yet; returns how many. */
  resendUnanswered(): number
  /** Resolves once every id in `ids` has a response; rejects after `timeoutMs`. */
  waitForResponses(ids: readonly string[], timeoutMs: number, onTick?: () => void): Promise<void>
  close(): Promise<void>
}

/** Connects to `port` and subscribes to the device's `response` and `command/web`. */
export async function connectPeer(
  port: number,
  base: string,
  o: { readonly protocolVersion?: 4 | 5 } = {},
): Promise<MqttPeer> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: o.protocolVersion ?? 5,
    clientId: `peer-${Math.random().toString(36).slice(2)}`,
    reconnectPeriod: 200,
    connectTimeout: 3000,
  })
  const responses = new Map<string, Record<string, unknown>[]>()
  const web: Record<string, unknown>[] = []
  const sent = new Map<string, string>()
  client.on('error', () => {})
  client.on('message', (topic, payload) => {
    let doc: Record<string, unknown>
    try {
      doc = JSON.parse(payload.toString())
    } catch {
      return
    }
    if (topic === `${base}/response`) {
      const id = String(doc.messageId)
      const list = responses.get(id) ?? []
      list.push(doc)
      responses.set(id, list)
    } else web.push(doc)
  })
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve())
    setTimeout(() => reject(new Error(`mqtt peer: no connection to port ${port}`)), 5000)
  })
  await client.subscribeAsync([`${base}/response`, `${base}/command/web`], { qos: 1 })
  const publish = (text: string): void => {
    client.publish(`${base}/command/edge`, text, { qos: 1 })
  }
  return {
    client,
    responses,
    web,
    send: (cmd) => {
      const text = typeof cmd === 'string' ? cmd : JSON.stringify(cmd)
      if (typeof cmd !== 'string') sent.set(cmd.messageId, text)
      publish(text)
    },
    resendUnanswered: () => {
      let n = 0
      for (const [id, text] of sent) {
        if (!responses.has(id)) {
          publish(text)
          n++
        }
      }
      return n
    },
    waitForResponses: async (ids, timeoutMs, onTick) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const missing = ids.filter((id) => !responses.has(id))
        if (missing.length === 0) return
        if (Date.now() > deadline)
          throw new Error(
            `${missing.length} of ${ids.length} responses missing, e.g. ${missing.slice(0, 3).join(', ')}`,
          )
        onTick?.()
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    close: () => client.endAsync(true),
  }
}
