/**
 * `petal reboot`: reboots the autopilot and prints `{ "success", "statusCode", "reason" }` (one
 * JSON object with `--json`). `--confirm heartbeat` makes the heartbeat drop and return decide
 * (the original's `reboot_autopilot_confirmed`); the default trusts the ACK. Windows come from
 * `PETAL_REBOOT_*`. Exit 0 on success, 1 on failure or no autopilot, 2 on bad usage.
 */
import { CliUsageError, cliEndpoint, connect, output, seconds } from './mavlinkClient.ts'

/** Flags of `petal reboot`. */
export interface RebootFlags {
  readonly endpoint?: string
  readonly json: boolean
  readonly confirm: string
  readonly timeout?: string
}

function envSeconds(name: string): number | undefined {
  const v = process.env[name]
  const n = v === undefined ? Number.NaN : Number(v)
  return Number.isFinite(n) && n > 0 ? n : undefined
}

/** `petal reboot`. */
export async function runReboot(flags: RebootFlags): Promise<number> {
  let waitS: number
  try {
    if (flags.confirm !== 'ack' && flags.confirm !== 'heartbeat')
      throw new CliUsageError(`--confirm: expected ack or heartbeat, got '${flags.confirm}'`)
    waitS = seconds('--timeout', flags.timeout, 10)
  } catch (e) {
    process.stderr.write(`petal reboot: ${(e as Error).message}\n`)
    return 2
  }
  const endpoint = cliEndpoint(flags.endpoint)
  let proxy: Awaited<ReturnType<typeof connect>>
  try {
    proxy = await connect(endpoint, waitS)
  } catch (e) {
    process.stderr.write(`petal reboot: ${(e as Error).message}\n`)
    return 2
  }
  if (proxy === undefined) {
    const reason = `no autopilot heartbeat within ${waitS}s on ${endpoint}`
    output(
      flags.json,
      { success: false, statusCode: 'FAIL_NO_HEARTBEAT_TRACKING', reason },
      `petal reboot: ${reason}`,
    )
    return 1
  }
  try {
    const windows = {
      ackTimeout: envSeconds('PETAL_REBOOT_ACK_TIMEOUT'),
      hbDropWindow: envSeconds('PETAL_REBOOT_HB_DROP_WINDOW'),
      hbDropGap: envSeconds('PETAL_REBOOT_HB_DROP_GAP'),
      hbReturnWindow: envSeconds('PETAL_REBOOT_HB_RETURN_WINDOW'),
    }
    const r = await proxy.rebootAutopilot({
      confirm: flags.confirm,
      ...Object.fromEntries(Object.entries(windows).filter(([, v]) => v !== undefined)),
    })
    output(
      flags.json,
      { success: r.success, statusCode: r.statusCode, reason: r.reason },
      `${r.success ? 'ok' : 'FAILED'}: ${r.statusCode}: ${r.reason}`,
    )
    return r.success ? 0 : 1
  } finally {
    await proxy.close()
  }
}
