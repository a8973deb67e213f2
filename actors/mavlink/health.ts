/**
 * The proxy's health, from cached state only, in the original's `ext_mavlink` shape:
 * `{ status, connection: { endpoint, baud, connected }, px4_heartbeat, leaf_fc_heartbeat,
 * worker_thread, mavlink_info, parser, monitoring }`, plus our `stats`. `px4_heartbeat` is the
 * target autopilot's heartbeat whatever its make (the original's name); its threshold is ours
 * (3 s by default, not 10). There are no I/O threads: `worker_thread` reports the transport.
 * LEAF_HEARTBEAT belongs to DroneLeaf's private dialect, which we do not have: never connected.
 */
import type { ProxyHealth } from '../ProxyKind.ts'
import type { Dispatch } from './Dispatch.ts'
import type { MavlinkOperations } from './MavlinkOperations.ts'
import type { MavlinkSession } from './MavlinkSession.ts'
import type { MavlinkProxyOptions } from './options.ts'

/** What health reads. */
export interface HealthInputs {
  readonly options: MavlinkProxyOptions
  readonly endpointName: string
  readonly session: MavlinkSession
  readonly ops: MavlinkOperations
  readonly dispatch: Dispatch
  readonly transportUp: boolean
}

/**
 * The health report.
 *
 * @category health
 */
export function mavlinkHealth(h: HealthInputs): ProxyHealth {
  const s = h.session
  const now = s.clock.now()
  const wallNow = Date.now() / 1000
  const since = s.lastHeartbeatAt === undefined ? undefined : (now - s.lastHeartbeatAt) / 1000
  const e = h.options.endpoint
  return {
    status: s.connected ? 'healthy' : 'unhealthy',
    ...(s.connected
      ? {}
      : {
          details: h.transportUp
            ? `no autopilot heartbeat for ${h.options.heartbeatTimeoutMs / 1000}s on ${h.endpointName}`
            : `transport ${h.endpointName} is down`,
        }),
    connection: {
      endpoint: h.endpointName,
      baud: e.kind === 'serial' ? e.baud : null,
      connected: s.connected,
    },
    px4_heartbeat: {
      connected: s.connected,
      last_received: since === undefined ? null : wallNow - since,
      ...(since === undefined ? {} : { seconds_since_last: since }),
      timeout_threshold: h.options.heartbeatTimeoutMs / 1000,
    },
    leaf_fc_heartbeat: { connected: false, last_received: null, timeout_threshold: 5.0 },
    worker_thread: {
      io_thread_send_running: h.transportUp,
      io_thread_recv_running: h.transportUp,
      io_thread_send_alive: h.transportUp,
      io_thread_recv_alive: h.transportUp,
    },
    mavlink_info: {
      target_system: s.target?.sysid ?? 0,
      target_component: s.target?.compid ?? 0,
      source_system: s.sourceSystem,
      source_component: s.sourceComponent,
    },
    parser: { available: true, ...(s.target === undefined ? {} : { system_id: s.target.sysid }) },
    monitoring: { connection_monitor_active: true, heartbeat_task_active: s.connected },
    stats: {
      endpoint_kind: h.endpointName.split(':')[0],
      autopilot: s.target?.autopilot ?? null,
      param_encoding: s.encoding,
      param_encoding_source: s.encodingSource,
      frames_in: s.parser.stats.frames,
      crc_errors: s.parser.stats.crcErrors,
      unknown_messages: s.parser.stats.unknown,
      skipped_bytes: s.parser.stats.skippedBytes,
      frames_out: s.stats.framesOut,
      bytes_in: s.stats.bytesIn,
      bytes_out: s.stats.bytesOut,
      write_failures: s.stats.writeFailures,
      signature_refused: s.stats.signatureRefused,
      connects: s.stats.connects,
      heartbeat_losses: s.stats.losses,
      subscribers: h.dispatch.size,
      handler_errors: h.dispatch.stats.handlerErrors,
      flows_running: h.ops.active,
    },
  }
}
