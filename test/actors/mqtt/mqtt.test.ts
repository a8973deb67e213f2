/**
 * The mqtt proxy against a real mosquitto (issue 4), with Debian's mosquitto_pub/mosquitto_sub as
 * independent peers: commands reach registered handlers once (dedup of messageIds, replay of the
 * answer), responses and publishes carry the original's fields, invalid envelopes get
 * VALIDATION_ERROR, an organisation id that appears late subscribes without a restart, QoS 1
 * publishes survive a broker outage, and an MQTT 3.1.1-only broker (aedes) is handled by fallback.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CreateMqttProxyOptions,
  createMqttProxy,
  type StandaloneMqttProxy,
} from '../../../actors/mqtt/createMqttProxy.ts'
import { startEmbeddedBroker } from '../../../actors/mqtt/embeddedBroker.ts'
import type { CommandEnvelope } from '../../../actors/mqtt/envelope.ts'
import { ProxyUnavailable } from '../../../actors/ProxyUnavailable.ts'
import { mosquittoPub, mosquittoSub } from '../../support/peers/mosquittoCli.ts'
import { startMosquitto } from '../../support/servers/mosquitto.ts'
import { freePort, type ServerProcess } from '../../support/servers/serverProcess.ts'
import { until } from '../../support/until.ts'

const MACHINE = 'test-machine-1'
const BASE = `org/org-1/device/Instance-${MACHINE}`

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'petal-mqtt-'))
}

function proxyOptions(port: number, extra: Partial<CreateMqttProxyOptions> = {}): CreateMqttProxyOptions {
  return {
    url: `mqtt://127.0.0.1:${port}`,
    machineId: MACHINE,
    clientId: `petal-test-${Math.random().toString(36).slice(2)}`,
    organizationId: 'org-1',
    outboxPath: join(tmp(), 'outbox.jsonl'),
    ...extra,
  }
}

describe('mqtt proxy against mosquitto', () => {
  let broker: ServerProcess
  let mqtt: StandaloneMqttProxy
  const seen: CommandEnvelope[] = []

  beforeAll(async () => {
    broker = await startMosquitto()
    mqtt = await createMqttProxy(proxyOptions(broker.port))
    mqtt.registerHandler((_topic, cmd) => {
      seen.push(cmd)
      if (cmd.waitResponse)
        void mqtt.sendCommandResponse(cmd.messageId, { status: 'success', data: { echo: cmd.payload } })
    })
    await until(async () => (await mqtt.healthCheck()).status === 'healthy', 5000, 'subscribed')
  })
  afterAll(async () => {
    await mqtt?.close()
    await broker?.stop()
  })

  it('a command from mosquitto_pub reaches the handler; its response reaches mosquitto_sub', async () => {
    const sub = await mosquittoSub(broker.port, `${BASE}/response`)
    try {
      const cmd = { messageId: 'm-1', command: 'petal-example/ping', payload: { n: 1 }, waitResponse: true }
      await mosquittoPub(broker.port, `${BASE}/command/edge`, [JSON.stringify(cmd)])
      const [raw] = await sub.waitFor(1)
      const r = JSON.parse(raw!)
      expect(r).toMatchObject({
        messageId: 'm-1',
        deviceId: `Instance-${MACHINE}`,
        status: 'success',
        data: { echo: { n: 1 } },
      })
      expect(r.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
      expect(Object.keys(r).slice(0, 2)).toEqual(['messageId', 'timestamp'])
      expect(seen.at(-1)).toMatchObject({
        messageId: 'm-1',
        command: 'petal-example/ping',
        waitResponse: true,
      })
    } finally {
      sub.stop()
    }
  })

  it('a repeated messageId runs the handler once; a repeat after the answer gets the answer again', async () => {
    const sub = await mosquittoSub(broker.port, `${BASE}/response`)
    try {
      const before = seen.length
      const cmd = JSON.stringify({ messageId: 'dup-1', command: 'petal-example/ping', waitResponse: true })
      await mosquittoPub(broker.port, `${BASE}/command/edge`, [cmd])
      await sub.waitFor(1)
      await mosquittoPub(broker.port, `${BASE}/command/edge`, [cmd, cmd])
      await sub.waitFor(3)
      expect(seen.length - before).toBe(1)
      expect(new Set(sub.messages).size).toBe(1)
      expect((await mqtt.healthCheck()).commands.duplicates).toBeGreaterThanOrEqual(2)
    } finally {
      sub.stop()
    }
  })

  it('an invalid envelope with a messageId gets VALIDATION_ERROR; one without is dropped and counted', async () => {
    const sub = await mosquittoSub(broker.port, `${BASE}/response`)
    try {
      const before = (await mqtt.healthCheck()).commands
      await mosquittoPub(broker.port, `${BASE}/command/edge`, [
        JSON.stringify({ messageId: 'bad-1', command: 'not a command' }),
        JSON.stringify({ command: 'petal-example/ping' }),
        'not json at all',
        JSON.stringify({ messageId: 'bad-2', command: 'petal-example/ping', payload: [1, 2] }),
      ])
      const r = (await sub.waitFor(2)).map((m) => JSON.parse(m))
      expect(r.map((x) => [x.messageId, x.status, x.error_code])).toEqual([
        ['bad-1', 'error', 'VALIDATION_ERROR'],
        ['bad-2', 'error', 'VALIDATION_ERROR'],
      ])
      expect(r[0].message).toMatch(/command: expected '<petal-name>\/<command>'/)
      expect(r[1].message).toMatch(/payload: expected an object/)
      const after = (await mqtt.healthCheck()).commands
      expect(after.invalid - before.invalid).toBe(2)
      expect(after.dropped_unreadable - before.dropped_unreadable).toBe(2)
    } finally {
      sub.stop()
    }
  })

  it('publishMessage stamps deviceId on a copy and goes to command/web', async () => {
    const sub = await mosquittoSub(broker.port, `${BASE}/command/web`)
    try {
      const payload = { messageId: 'w-1', command: '/petal-example/progress', payload: { done: 1 } }
      expect(await mqtt.publishMessage(payload)).toBe(true)
      expect(await mqtt.publishMessage({ n: 2 }, { qos: 0 })).toBe(true)
      const got = (await sub.waitFor(2)).map((m) => JSON.parse(m))
      expect(got[0]).toEqual({ ...payload, deviceId: `Instance-${MACHINE}` })
      expect(got[1]).toEqual({ n: 2, deviceId: `Instance-${MACHINE}` })
      expect(payload).not.toHaveProperty('deviceId')
      expect(() => mqtt.publishMessage([1] as never)).toThrow(TypeError)
      const circular: Record<string, unknown> = {}
      circular.self = circular
      await expect(mqtt.publishMessage(circular)).rejects.toThrow(/JSON-serialisable/)
    } finally {
      sub.stop()
    }
  })

  it('health has the original fields, from cached state', async () => {
    const h = await mqtt.healthCheck()
    expect(h.status).toBe('healthy')
    expect(h.connection).toMatchObject({ connected: true, protocol_version: '5' })
    expect(h.subscriptions.topics).toEqual([`${BASE}/command/edge`])
    expect(h.device_info).toEqual({ organization_id: 'org-1', robot_instance_id: MACHINE })
  })
})

describe('mqtt proxy: identity and outages', () => {
  it('an organisation id written after start subscribes without a restart', async () => {
    const broker = await startMosquitto()
    const dir = tmp()
    const file = join(dir, 'thing-parameters.json')
    const mqtt = await createMqttProxy(
      proxyOptions(broker.port, {
        organizationId: undefined,
        thingParametersPath: file,
        organizationPollMs: 100,
      }),
    )
    try {
      await until(async () => (await mqtt.healthCheck()).connection.connected, 5000, 'connected')
      const h = await mqtt.healthCheck()
      expect(h.status).toBe('warning')
      expect(h.device_info.organization_id).toBeNull()
      expect(h.details).toMatch(/no organization id/)
      const got: string[] = []
      mqtt.registerHandler((_t, cmd) => got.push(cmd.messageId))
      // The third fallback of the original: shadow.state.desired.organizationId.
      writeFileSync(file, JSON.stringify({ shadow: { state: { desired: { organizationId: 'late-org' } } } }))
      await until(
        async () => (await mqtt.healthCheck()).status === 'healthy',
        3000,
        'subscribed under late-org',
      )
      const late = `org/late-org/device/Instance-${MACHINE}`
      expect((await mqtt.healthCheck()).subscriptions.topics).toEqual([`${late}/command/edge`])
      await mosquittoPub(broker.port, `${late}/command/edge`, [
        JSON.stringify({ messageId: 'late-1', command: 'petal-a/b' }),
      ])
      await until(() => got.includes('late-1'), 3000, 'the command under the late id')
    } finally {
      await mqtt.close()
      await broker.stop()
    }
  })

  it('QoS 1 publishes made while the broker is away are delivered after it returns; QoS 0 fails fast', async () => {
    const broker = await startMosquitto({ persistence: true })
    const mqtt = await createMqttProxy(proxyOptions(broker.port))
    // A persistent subscriber: the broker keeps its session (and queues for it) across the restart.
    const sub = await mosquittoSub(broker.port, `${BASE}/command/web`, { clientId: 'outage-sub' })
    try {
      await until(async () => (await mqtt.healthCheck()).status === 'healthy', 5000, 'connected')
      await broker.stop()
      await until(async () => !(await mqtt.healthCheck()).connection.connected, 5000, 'disconnected')
      await expect(mqtt.publishMessage({ n: 0 }, { qos: 0 })).rejects.toBeInstanceOf(ProxyUnavailable)
      for (let i = 1; i <= 20; i++) expect(await mqtt.publishMessage({ n: i })).toBe(true)
      expect((await mqtt.healthCheck()).outbox.pending).toBe(20)
      await broker.restart()
      await sub.waitFor(20, 10_000)
      expect(sub.json<{ n: number }>().map((m) => m.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
      await until(async () => (await mqtt.healthCheck()).outbox.pending === 0, 5000, 'outbox drained')
    } finally {
      sub.stop()
      await mqtt.close()
      await broker.stop()
    }
  })

  it('connects over ws:// (mosquitto websockets listener)', async () => {
    const broker = await startMosquitto({ websockets: true })
    const mqtt = await createMqttProxy({
      ...proxyOptions(broker.port),
      url: `ws://127.0.0.1:${broker.wsPort}`,
    })
    try {
      await until(
        async () => (await mqtt.healthCheck()).status === 'healthy',
        5000,
        'subscribed over WebSocket',
      )
      const got: string[] = []
      mqtt.registerHandler((_t, cmd) => got.push(cmd.messageId))
      await mosquittoPub(broker.port, `${BASE}/command/edge`, [
        JSON.stringify({ messageId: 'ws-1', command: 'petal-a/b' }),
      ])
      await until(() => got.includes('ws-1'), 3000, 'the command over WebSocket')
    } finally {
      await mqtt.close()
      await broker.stop()
    }
  })

  it('connects over mqtts:// with the CA file (PETAL_MQTT_CA_FILE)', async () => {
    const dir = tmp()
    const key = join(dir, 'key.pem')
    const cert = join(dir, 'cert.pem')
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ])
    expect(made.status, made.stderr?.toString()).toBe(0)
    chmodSync(dir, 0o755)
    chmodSync(key, 0o644)
    const tlsPort = await freePort()
    const broker = await startMosquitto({
      extraConfig: [`listener ${tlsPort} 127.0.0.1`, `certfile ${cert}`, `keyfile ${key}`],
    })
    const mqtt = await createMqttProxy({
      ...proxyOptions(broker.port),
      url: `mqtts://127.0.0.1:${tlsPort}`,
      caFile: cert,
    })
    // Without the CA the self-signed certificate is refused: the TLS settings are really in use.
    const untrusting = await createMqttProxy({
      ...proxyOptions(broker.port),
      url: `mqtts://127.0.0.1:${tlsPort}`,
    })
    try {
      await until(async () => (await mqtt.healthCheck()).status === 'healthy', 5000, 'subscribed over TLS')
      const refused = await untrusting.healthCheck()
      expect(refused.connection.connected).toBe(false)
      expect(refused.details).toMatch(/certificate/i)
    } finally {
      await untrusting.close()
      await mqtt.close()
      await broker.stop()
    }
  })

  it('falls back to MQTT 3.1.1 when the broker refuses 5 (aedes, the embedded broker)', async () => {
    const aedes = await startEmbeddedBroker(0)
    const mqtt = await createMqttProxy(proxyOptions(aedes.port))
    try {
      await until(async () => (await mqtt.healthCheck()).status === 'healthy', 5000, 'connected to aedes')
      expect((await mqtt.healthCheck()).connection.protocol_version).toBe('3.1.1')
    } finally {
      await mqtt.close()
      await aedes.close()
    }
  })
})
