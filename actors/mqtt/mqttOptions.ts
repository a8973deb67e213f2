/**
 * The mqtt proxy's options, from `PETAL_*` variables: the broker (`PETAL_MQTT_URL`, default
 * `mqtt://localhost:1883`; `mqtt://`, `mqtts://`, `ws://`, `wss://`), credentials and TLS files
 * (`PETAL_MQTT_USERNAME`, `_PASSWORD`, `_CA_FILE`, `_CERT_FILE`, `_KEY_FILE`), the identity (the
 * machine id the host resolved; the organisation id from `PETAL_ORGANIZATION_ID`, else the
 * thing-parameters file at `PETAL_THING_PARAMETERS_PATH`, default the original's path), the
 * original's topic names, and the outbox journal (`PETAL_MQTT_OUTBOX_PATH`, default
 * `data/mqtt-outbox.jsonl` beside the config; `PETAL_MQTT_OUTBOX_FSYNC`: `always`, `interval`
 * (default) or `never`). With
 * `--sim` and no URL, an embedded broker listens on `PETAL_EMBEDDED_MQTT_PORT` (default 1884) and
 * the organisation id falls back to `sim`.
 */
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import type { OptionIssue, ProxyContext } from '../ProxyKind.ts'
import type { FsyncMode } from './Outbox.ts'

/** The original's thing-parameters path (no env override there; `PETAL_THING_PARAMETERS_PATH` here). */
export const DEFAULT_THING_PARAMETERS_PATH = '/opt/droneleaf/certs/perm/thing-parameters.json'

/** Default port of the embedded broker (`petal start --sim`). */
export const DEFAULT_EMBEDDED_MQTT_PORT = 1884

/** Topics relative to `org/<org>/device/Instance-<machine>/`. */
export interface MqttTopics {
  readonly commandEdge: string
  readonly response: string
  readonly commandWeb: string
}

/** Everything the mqtt proxy needs. */
export interface MqttOptions {
  readonly url: string
  readonly username?: string
  readonly password?: string
  readonly caFile?: string
  readonly certFile?: string
  readonly keyFile?: string
  /** Default `petal-<machineId>`: a fixed id keeps the broker session across restarts. */
  readonly clientId: string
  readonly machineId: string
  /** A fixed organisation id; when set the thing-parameters file is not read. */
  readonly organizationId?: string
  readonly thingParametersPath: string
  /** Organisation id used while the file has none (`sim` under `--sim`). */
  readonly organizationFallback?: string
  /** How often the thing-parameters file is checked for changes, ms. Default 2000. */
  readonly organizationPollMs: number
  readonly topics: MqttTopics
  readonly outboxPath: string
  /** How far the outbox forces the disk: `always`, `interval` (default) or `never` (see Outbox.ts). */
  readonly outboxFsync: FsyncMode
  /** Entries the outbox may hold; past it QoS 1 publishes fail with `OutboxFull`. Default 10 000. */
  readonly outboxLimit: number
  /** Start an embedded aedes broker on this loopback port (the demo). */
  readonly embeddedBrokerPort?: number
  /** Reconnect backoff, ms. Default 100 doubling to 2000, 20% jitter. */
  readonly reconnect: { readonly minMs: number; readonly maxMs: number }
}

const FSYNC_VALUES: Readonly<Record<string, FsyncMode>> = {
  always: 'always',
  interval: 'interval',
  never: 'never',
  true: 'always',
  false: 'never',
}

const URL_FORM = /^(mqtts?|wss?):\/\/[^\s/]+(\/\S*)?$/

/**
 * Reads the options from `PETAL_*` variables; bad values are issues naming the variable.
 *
 * @category config
 */
export function parseMqttOptions(
  ctx: Pick<ProxyContext, 'env' | 'configDir' | 'sim' | 'machineId'>,
): { readonly options: MqttOptions } | { readonly issues: readonly OptionIssue[] } {
  const env = ctx.env
  const issues: OptionIssue[] = []
  const text = (key: string): string | undefined => {
    const v = env[key]?.trim()
    return v === undefined || v === '' ? undefined : v
  }
  const path = (key: string, fallback?: string): string | undefined => {
    const v = text(key) ?? fallback
    return v === undefined ? undefined : isAbsolute(v) ? v : resolve(ctx.configDir, v)
  }
  const file = (key: string): string | undefined => {
    const p = path(key)
    if (p !== undefined && !existsSync(p))
      issues.push({ key, expected: 'an existing file', found: JSON.stringify(p) })
    return p
  }
  const topic = (key: string, fallback: string): string => {
    const v = (text(key) ?? fallback).replace(/^\/+/, '')
    if (v === '' || /[#+]/.test(v))
      issues.push({ key, expected: 'a topic without wildcards', found: JSON.stringify(v) })
    return v
  }

  let embeddedBrokerPort: number | undefined
  const rawUrl = text('PETAL_MQTT_URL')
  if (ctx.sim && rawUrl === undefined) {
    const raw = text('PETAL_EMBEDDED_MQTT_PORT')
    const port = raw === undefined ? DEFAULT_EMBEDDED_MQTT_PORT : Number(raw)
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      issues.push({
        key: 'PETAL_EMBEDDED_MQTT_PORT',
        expected: 'an integer port 1..65535',
        found: JSON.stringify(raw),
      })
    else embeddedBrokerPort = port
  }
  const url =
    rawUrl ??
    (embeddedBrokerPort === undefined ? 'mqtt://localhost:1883' : `mqtt://127.0.0.1:${embeddedBrokerPort}`)
  if (!URL_FORM.test(url))
    issues.push({
      key: 'PETAL_MQTT_URL',
      expected: 'mqtt://, mqtts://, ws:// or wss:// followed by host[:port]',
      found: JSON.stringify(url),
    })
  // The demo runs anywhere: without a machine id it uses `sim`.
  const machineId = ctx.machineId ?? (ctx.sim ? 'sim' : undefined)
  if (machineId === undefined)
    issues.push({
      key: 'PETAL_MACHINE_ID',
      expected: 'a machine id (or a readable /etc/machine-id)',
      found: 'neither',
    })
  const fsyncRaw = text('PETAL_MQTT_OUTBOX_FSYNC')?.toLowerCase()
  const fsync = FSYNC_VALUES[fsyncRaw ?? 'interval']
  if (fsync === undefined)
    issues.push({
      key: 'PETAL_MQTT_OUTBOX_FSYNC',
      expected: 'always, interval or never (true means always, false never)',
      found: JSON.stringify(fsyncRaw),
    })
  const caFile = file('PETAL_MQTT_CA_FILE')
  const certFile = file('PETAL_MQTT_CERT_FILE')
  const keyFile = file('PETAL_MQTT_KEY_FILE')
  const topics: MqttTopics = {
    commandEdge: topic('PETAL_COMMAND_EDGE_TOPIC', 'command/edge'),
    response: topic('PETAL_RESPONSE_TOPIC', 'response'),
    commandWeb: topic('PETAL_COMMAND_WEB_TOPIC', 'command/web'),
  }
  if (issues.length > 0) return { issues }
  const username = text('PETAL_MQTT_USERNAME')
  const password = env.PETAL_MQTT_PASSWORD || undefined
  const organizationId = text('PETAL_ORGANIZATION_ID')
  const defaultOutbox =
    ctx.sim && text('PETAL_MQTT_OUTBOX_PATH') === undefined
      ? join(tmpdir(), 'petal-sim', 'mqtt-outbox.jsonl')
      : 'data/mqtt-outbox.jsonl'
  return {
    options: {
      url,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(caFile === undefined ? {} : { caFile }),
      ...(certFile === undefined ? {} : { certFile }),
      ...(keyFile === undefined ? {} : { keyFile }),
      clientId: text('PETAL_MQTT_CLIENT_ID') ?? `petal-${machineId}`,
      machineId: machineId!,
      ...(organizationId === undefined ? {} : { organizationId }),
      thingParametersPath: path('PETAL_THING_PARAMETERS_PATH', DEFAULT_THING_PARAMETERS_PATH)!,
      ...(ctx.sim ? { organizationFallback: 'sim' } : {}),
      organizationPollMs: 2000,
      topics,
      outboxPath: path('PETAL_MQTT_OUTBOX_PATH', defaultOutbox)!,
      outboxFsync: fsync!,
      outboxLimit: 10_000,
      ...(embeddedBrokerPort === undefined ? {} : { embeddedBrokerPort }),
      reconnect: { minMs: 100, maxMs: 2000 },
    },
  }
}
