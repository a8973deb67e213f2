/**
 * petal-file-organizer: keeps the bucket tidy. `archive_file` moves one object under an archive
 * prefix (`<machineId>/flight-logs/x.ulg` to `<machineId>/archive/flight-logs/x.ulg` by default)
 * and answers with the move's result. `move_prefix` moves every object from one prefix to another
 * (both under this device's `<machineId>/`) as a job with progress; phase 1 answers with the job
 * id, and the job's result (and `get_job_status`) reports what moved and what failed, with why.
 * A failed move keeps its source (the bucket's guarantee).
 */
import {
  definePetal,
  HttpError,
  type JobHandle,
  type MqttResponse,
  type PetalContext,
} from '../../runtime/index.ts'

type Ctx = PetalContext<State, 'bucket', never>

/** What a prefix move did. */
interface MoveReport {
  readonly source_prefix: string
  readonly dest_prefix: string
  readonly moved: { readonly from: string; readonly to: string }[]
  readonly failed: { readonly key: string; readonly error: string }[]
}

interface State {
  /** Written only by handlers. */
  readonly jobs: Map<string, JobHandle<MoveReport>>
}

function invalid(message: string): MqttResponse {
  return { status: 'error', message, error_code: 'VALIDATION_ERROR' }
}

function prefixProblem(p: unknown, what: string): string | undefined {
  if (
    typeof p !== 'string' ||
    p === '' ||
    p.startsWith('/') ||
    p.split('/').some((s) => s === '..' || s === '.')
  )
    return `${what}: expected a relative key prefix such as 'flight-logs/' (no '/', '.' or '..' segments at the start)`
  return undefined
}

async function archiveFile(payload: Readonly<Record<string, unknown>>, ctx: Ctx): Promise<MqttResponse> {
  const key = payload.s3_key
  const archive = payload.archive_prefix ?? 'archive'
  if (typeof key !== 'string' || !key.includes('/'))
    return invalid('s3_key: expected a key like <machineId>/flight-logs/<file>')
  const problem = prefixProblem(archive, 'archive_prefix')
  if (problem !== undefined) return invalid(problem)
  const slash = key.indexOf('/')
  const dest = `${key.slice(0, slash)}/${String(archive).replace(/\/+$/, '')}/${key.slice(slash + 1)}`
  const r = await ctx.proxy('bucket').moveFile(key, dest)
  return r.success
    ? { status: 'success', message: 'File archived', data: { source_key: key, dest_key: dest } }
    : {
        status: 'error',
        message: r.error,
        error_code: r.code === 'VALIDATION_ERROR' ? 'VALIDATION_ERROR' : 'EXECUTION_ERROR',
      }
}

function startMove(payload: Readonly<Record<string, unknown>>, state: State, ctx: Ctx): MqttResponse {
  const problem =
    prefixProblem(payload.source_prefix, 'source_prefix') ?? prefixProblem(payload.dest_prefix, 'dest_prefix')
  if (problem !== undefined) return invalid(problem)
  const source = payload.source_prefix as string
  const dest = payload.dest_prefix as string
  if (source === dest) return invalid('dest_prefix: expected a prefix different from source_prefix')
  const bucket = ctx.proxy('bucket')
  const handle = ctx.job<MoveReport>('move_prefix', async (job) => {
    const listed = await bucket.listObjects(source, { all: true })
    if (!listed.success) throw new Error(listed.error)
    const base = listed.prefix.slice(0, listed.prefix.length - source.length)
    const report: MoveReport = { source_prefix: source, dest_prefix: dest, moved: [], failed: [] }
    for (const [i, f] of listed.files.entries()) {
      job.signal.throwIfAborted()
      const to = `${base}${dest}${f.key.slice(listed.prefix.length)}`
      const r = await bucket.moveFile(f.key, to)
      if (r.success) report.moved.push({ from: f.key, to })
      else report.failed.push({ key: f.key, error: r.error })
      job.progress({
        done: i + 1,
        total: listed.files.length,
        message: `${report.moved.length} moved, ${report.failed.length} failed`,
      })
    }
    if (listed.files.length === 0) job.progress({ done: 0, total: 0, fraction: 1 })
    return report
  })
  state.jobs.set(handle.id, handle)
  return { status: 'success', message: 'Move started', data: { job_id: handle.id } }
}

async function jobView(state: State, id: unknown): Promise<Record<string, unknown> | undefined> {
  const h = typeof id === 'string' ? state.jobs.get(id) : undefined
  if (h === undefined) return undefined
  const s = h.status()
  return {
    job_id: s.id,
    state: s.state,
    progress: s.progress ?? null,
    error: s.error ?? null,
    result: s.state === 'succeeded' ? await h.result : null,
  }
}

export default definePetal({
  name: 'petal-file-organizer',
  version: '1.0.0',
  description: 'Archives one file, or moves every file from one prefix to another',
  requires: ['bucket'],
  init: (): State => ({ jobs: new Map() }),
  mqtt: {
    archive_file: (msg, _state, ctx) => archiveFile(msg.payload, ctx),
    move_prefix: (msg, state, ctx) => startMove(msg.payload, state, ctx),
    get_job_status: async (msg, state) => {
      const v = await jobView(state, msg.payload.job_id)
      return v === undefined
        ? invalid('job_id: expected the id of a move job')
        : { status: 'success', data: v }
    },
  },
  http: {
    'POST /archive': (req, _state, ctx) => archiveFile((req.body ?? {}) as Record<string, unknown>, ctx),
    'POST /move-prefix': (req, state, ctx) =>
      startMove((req.body ?? {}) as Record<string, unknown>, state, ctx),
    'GET /jobs/:id': async (req, state) => {
      const v = await jobView(state, req.params.id)
      if (v === undefined) throw new HttpError(404, 'NOT_FOUND', `no move job ${req.params.id}`)
      return v
    },
  },
})
