/**
 * One broker connection of the mqtt proxy, on mqtt.js 5: MQTT 5 first, falling back to 3.1.1 for
 * good when the broker refuses 5 (aedes does); reconnects with exponential backoff (100 ms doubling
 * to 2 s, 20% jitter; reset once connected) instead of mqtt.js's fixed period; a persistent
 * session under a fixed client id, so commands sent during a short absence are still delivered.
 * QoS 1 publishes handed to mqtt.js stay in its store across reconnects and are resent by it
 * (the stores are handed to each `reconnect()`, which would otherwise start empty ones).
 */
import { readFileSync } from 'node:fs'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { backoffDelay, describeError, resolveBackoff } from '../../runtime/kernel/index.ts'
import type { MqttOptions } from './mqttOptions.ts'

/** What the connection tells its owner. */
export interface ConnectionEvents {
  connected(version: 4 | 5): void
  disconnected(reason: string): void
  message(topic: string, payload: Buffer): void
  /** For timers and failure attribution: the owner's guarded scheduler. */
  schedule(fn: () => void, ms: number): () => void
}

/** A live connection (replaced internally on protocol fallback). */
export interface Connection {
  readonly client: () => MqttClient
  readonly version: () => 4 | 5
  readonly connected: () => boolean
  readonly reconnects: () => number
  readonly lastError: () => string | undefined
  close(): Promise<void>
}

/** Largest packet we accept (MQTT 5 tells the broker; 3.1.1 brokers are checked on receipt). */
const MAX_PACKET_BYTES = 1024 * 1024

/**
 * Opens the connection and keeps it up until `close()`.
 *
 * @category proxies
 */
export function openConnection(o: MqttOptions, ev: ConnectionEvents): Connection {
  const backoff = resolveBackoff({ minMs: o.reconnect.minMs, maxMs: o.reconnect.maxMs, jitter: 0.2 })
  const tls = {
    ...(o.caFile === undefined ? {} : { ca: readFileSync(o.caFile) }),
    ...(o.certFile === undefined ? {} : { cert: readFileSync(o.certFile) }),
    ...(o.keyFile === undefined ? {} : { key: readFileSync(o.keyFile) }),
  }
  let version: 4 | 5 = 5
  let client: MqttClient
  let connected = false
  let attempts = 0
  let reconnects = 0
  let lastError: string | undefined
  let closing = false
  let cancelRetry: (() => void) | undefined

  const options = (v: 4 | 5): IClientOptions => ({
    protocolVersion: v,
    clientId: o.clientId,
    clean: false,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    keepalive: 30,
    resubscribe: false,
    // mqtt.js logs every packet through `debug`, which costs even when disabled.
    log: () => {},
    ...(o.username === undefined ? {} : { username: o.username }),
    ...(o.password === undefined ? {} : { password: o.password }),
    ...tls,
    ...(v === 5 ? { properties: { sessionExpiryInterval: 3600, maximumPacketSize: MAX_PACKET_BYTES } } : {}),
  })

  const start = (v: 4 | 5): void => {
    const c = mqtt.connect(o.url, options(v))
    client = c
    c.on('connect', () => {
      if (c !== client)
        return // Commands and answers are small: Nagle's algorithm would hold them up to 40 ms.
      ;(c.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true)
      connected = true
      attempts = 0
      lastError = undefined
      ev.connected(version)
    })
    c.on('message', (topic, payload) => {
      if (c === client) ev.message(topic, payload)
    })
    c.on('error', (e: Error & { code?: number | string }) => {
      if (c !== client) return
      lastError = describeError(e)
      // 1: 3.1.1's "unacceptable protocol version"; 132 (0x84): MQTT 5's "unsupported protocol version".
      if (version === 5 && (e.code === 1 || e.code === 132)) {
        version = 4
        c.end(true)
        start(4)
      }
    })
    c.on('close', () => {
      if (c !== client) return
      if (connected) {
        connected = false
        ev.disconnected(lastError ?? 'connection closed')
      }
      if (closing || cancelRetry !== undefined) return
      const delay = backoffDelay(attempts++, backoff, Math.random)
      cancelRetry = ev.schedule(() => {
        cancelRetry = undefined
        if (closing || c !== client) return
        reconnects++
        // Without the stores, reconnect() starts empty ones and QoS 1 messages in flight are lost.
        c.reconnect({ incomingStore: c.incomingStore, outgoingStore: c.outgoingStore })
      }, delay)
    })
  }
  start(version)

  return {
    client: () => client,
    version: () => version,
    connected: () => connected,
    reconnects: () => reconnects,
    lastError: () => lastError,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true
        cancelRetry?.()
        const c = client
        const t = setTimeout(() => c.end(true, {}, () => resolve()), 1000)
        c.end(false, {}, () => {
          clearTimeout(t)
          resolve()
        })
      }),
  }
}
