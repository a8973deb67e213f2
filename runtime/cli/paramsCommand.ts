/**
 * `petal params get NAME... | --all` and `petal params set NAME=VALUE[:TYPE]... | --file F.json`.
 * With `--json` each prints exactly one JSON object: `{ "params": { NAME: { value, type, index,
 * count, status } }, "missing": [NAME...], "elapsedMs": N }` (`--all` adds `count`, and its
 * missing entries are `#<index>`). Exit 0 when everything asked for was read (get) or confirmed
 * (set), 1 otherwise (no autopilot, partial result, adjusted or rejected values), 2 for bad usage
 * or invalid values (nothing is sent). `--timeout` is the whole operation's deadline (default 10 s
 * by names, 60 s for `--all`, 30 s for a set); within it each request is retried as often as the
 * deadline allows. A set uses the adaptive window (8 growing to 64) unless `--max-in-flight`
 * fixes it. A progress bar goes to stderr on a terminal.
 */
import { readFileSync } from 'node:fs'
import type { ParamGetReport } from '../../machines/paramGet.machine.ts'
import type { ParamSetReport } from '../../machines/paramSet.machine.ts'
import { normalizeParamSpecs, ParamSpecError } from '../../machines/paramSpec.ts'
import { paramTypeName } from '../../machines/paramValue.ts'
import { CliUsageError, cliEndpoint, connect, output, seconds } from './mavlinkClient.ts'
import { progressBar } from './progressBar.ts'

/** Flags of `petal params get`. */
export interface ParamsGetFlags {
  readonly all: boolean
  readonly endpoint?: string
  readonly json: boolean
  readonly timeout?: string
}

/** Flags of `petal params set`. */
export interface ParamsSetFlags {
  readonly file?: string
  readonly endpoint?: string
  readonly json: boolean
  readonly maxInFlight?: string
  readonly timeout?: string
}

interface Row {
  readonly value: number
  readonly type: number
  readonly index: number | null
  readonly count: number | null
  readonly status: string
}

const UNLIMITED_RETRIES = 1_000_000

function usage(json: boolean, e: Error): number {
  const code = e instanceof ParamSpecError ? 'VALIDATION_ERROR' : 'USAGE_ERROR'
  if (json) output(true, { error: { code, message: e.message } }, '')
  process.stderr.write(`petal params: ${e.message}\n`)
  return 2
}

function noAutopilot(json: boolean, endpoint: string, waitS: number, missing: string[]): number {
  const error = `no autopilot heartbeat within ${waitS}s on ${endpoint}`
  output(json, { params: {}, missing, elapsedMs: 0, error }, `petal params: ${error}`)
  return 1
}

function human(params: Record<string, Row>, missing: readonly string[]): string {
  const lines = Object.entries(params).map(
    ([n, r]) =>
      `${n.padEnd(16)} ${String(r.value).padStart(14)}  ${paramTypeName(r.type).padEnd(6)} ${r.status}`,
  )
  if (missing.length > 0) lines.push(`missing: ${missing.join(', ')}`)
  return lines.join('\n')
}

/** An open connection to the autopilot and a progress bar (silent with `--json`). */
type Session = (
  proxy: NonNullable<Awaited<ReturnType<typeof connect>>>,
  bar: ReturnType<typeof progressBar>,
) => Promise<number>

/**
 * Connects to the flags' endpoint (waiting at most min(timeout, 10) s for a heartbeat), runs
 * `session` with a progress bar labelled `label`, and closes the connection after. Exit 1 when no
 * autopilot is heard (`missing` are reported missing), 2 for a bad endpoint or a throw.
 */
async function withAutopilot(
  flags: { readonly endpoint?: string; readonly json: boolean },
  timeoutS: number,
  label: string,
  missing: readonly string[],
  session: Session,
): Promise<number> {
  const endpoint = cliEndpoint(flags.endpoint)
  const waitS = Math.min(timeoutS, 10)
  let proxy: Awaited<ReturnType<typeof connect>>
  try {
    proxy = await connect(endpoint, waitS)
  } catch (e) {
    return usage(flags.json, e as Error)
  }
  if (proxy === undefined) return noAutopilot(flags.json, endpoint, waitS, [...missing])
  const bar = flags.json ? progressBar('', { isTTY: false } as NodeJS.WriteStream) : progressBar(label)
  try {
    return await session(proxy, bar)
  } catch (e) {
    return usage(flags.json, e as Error)
  } finally {
    await proxy.close()
  }
}

/** `petal params get`. */
export async function runParamsGet(names: readonly string[], flags: ParamsGetFlags): Promise<number> {
  let timeoutS: number
  try {
    if (flags.all === names.length > 0) throw new CliUsageError('give parameter names or --all (not both)')
    timeoutS = seconds('--timeout', flags.timeout, flags.all ? 60 : 10)
  } catch (e) {
    return usage(flags.json, e as Error)
  }
  return withAutopilot(flags, timeoutS, 'reading', names, async (proxy, bar) => {
    const started = Date.now()
    const report: ParamGetReport = flags.all
      ? await proxy.getAllParamsReport({ timeoutTotal: timeoutS }, (d, t) => bar.update(d, t))
      : await proxy.getParamsBulk(names, { timeoutTotal: timeoutS, maxRetries: UNLIMITED_RETRIES }, (d, t) =>
          bar.update(d, t),
        )
    bar.finish()
    const params: Record<string, Row> = {}
    for (const [n, r] of Object.entries(report.params))
      params[n] = { value: r.value, type: r.type, index: r.index, count: r.count, status: 'read' }
    const missing = flags.all ? report.missingIndices.map((i) => `#${i}`) : [...report.missing]
    const ok = missing.length === 0 && (!flags.all || report.count !== undefined)
    output(
      flags.json,
      {
        params,
        missing,
        elapsedMs: Date.now() - started,
        ...(flags.all ? { count: report.count ?? null } : {}),
      },
      human(params, missing),
    )
    return ok ? 0 : 1
  })
}

/** Parses `NAME=VALUE[:TYPE]` arguments into the bulk-set input. */
export function parseAssignments(args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const a of args) {
    const m = /^([^=]+)=([^:]+)(?::(.+))?$/.exec(a)
    if (m === null) throw new CliUsageError(`expected NAME=VALUE[:TYPE], got '${a}'`)
    const value = Number(m[2])
    if (m[2]!.trim() === '' || !Number.isFinite(value))
      throw new CliUsageError(`${m[1]}: expected a number, got '${m[2]}'`)
    out[m[1]!] = m[3] === undefined ? value : { value, type: m[3] }
  }
  return out
}

/** `petal params set`. */
export async function runParamsSet(assignments: readonly string[], flags: ParamsSetFlags): Promise<number> {
  let input: Record<string, unknown>
  let timeoutS: number
  let maxInFlight: number | undefined
  try {
    if ((flags.file !== undefined) === assignments.length > 0)
      throw new CliUsageError('give NAME=VALUE[:TYPE] arguments or --file (not both)')
    if (flags.file !== undefined) {
      let parsed: unknown
      try {
        parsed = JSON.parse(readFileSync(flags.file, 'utf8'))
      } catch (e) {
        throw new CliUsageError(
          `--file ${flags.file}: expected a readable JSON object (${(e as Error).message})`,
        )
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new CliUsageError(
          `--file ${flags.file}: expected a JSON object { NAME: value | [value, type] | { value, type } }`,
        )
      input = parsed as Record<string, unknown>
    } else input = parseAssignments(assignments)
    // Validate before connecting: a bad value is refused with nothing sent, autopilot or not.
    normalizeParamSpecs(input)
    timeoutS = seconds('--timeout', flags.timeout, 30)
    if (flags.maxInFlight !== undefined) {
      maxInFlight = Number(flags.maxInFlight)
      if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 256)
        throw new CliUsageError(`--max-in-flight: expected an integer 1..256, got '${flags.maxInFlight}'`)
    }
  } catch (e) {
    return usage(flags.json, e as Error)
  }
  return withAutopilot(flags, timeoutS, 'setting', Object.keys(input), async (proxy, bar) => {
    const started = Date.now()
    const report: ParamSetReport = await proxy.setParamsBulk(
      input,
      {
        timeoutTotal: timeoutS,
        maxRetries: UNLIMITED_RETRIES,
        ...(maxInFlight === undefined ? {} : { maxInFlight }),
      },
      (d, t) => bar.update(d, t),
    )
    bar.finish()
    const params: Record<string, Row> = {}
    const missing: string[] = []
    for (const [n, r] of Object.entries(report.results)) {
      params[n] = { value: r.value, type: r.type, index: r.index, count: r.count, status: r.status }
      if (r.status !== 'confirmed') missing.push(n)
    }
    output(flags.json, { params, missing, elapsedMs: Date.now() - started }, human(params, missing))
    return missing.length === 0 ? 0 : 1
  })
}
