/**
 * petal-flight-log: uploads flight logs (`.ulg`, `.bag`) to the bucket under the original's
 * organised key (`<machineId>/flight-logs/<UTC time>_<uuid>_<name>`), each upload a job with
 * progress (published on `command/web` by the host) and cancel. MQTT follows the original's
 * two-phase pattern: `upload_flight_log` answers at once with the job id (phase 1); the job's
 * events carry progress and the result (phase 2); `get_upload_status` answers for a job id. With
 * the `db` proxy enabled it keeps an upload history (`flight_log_uploads`). One upload per file at
 * a time (`OPERATION_ACTIVE`).
 */
import {
  definePetal,
  HttpError,
  type JobHandle,
  type JobStatus,
  type MqttResponse,
  type PetalContext,
  type UploadSuccess,
} from '../../runtime/index.ts'

type Ctx = PetalContext<State, 'bucket', 'db'>

interface State {
  /** Written only by handlers: job id to its handle and file. */
  readonly uploads: Map<string, { readonly handle: JobHandle<UploadSuccess>; readonly filePath: string }>
}

const HISTORY = `CREATE TABLE IF NOT EXISTS flight_log_uploads (
  job_id TEXT PRIMARY KEY, file_path TEXT NOT NULL, s3_key TEXT, file_size INTEGER,
  status TEXT NOT NULL, error TEXT, started_at INTEGER NOT NULL, ended_at INTEGER)`

function invalid(message: string): MqttResponse {
  return { status: 'error', message, error_code: 'VALIDATION_ERROR' }
}

/** Phase 1: checks the request, starts the upload job, answers with its id. */
async function startUpload(
  payload: Readonly<Record<string, unknown>>,
  state: State,
  ctx: Ctx,
): Promise<MqttResponse> {
  const filePath = payload.file_path
  const customFilename = payload.custom_filename
  if (typeof filePath !== 'string' || filePath === '')
    return invalid('file_path: expected the path of a .ulg or .bag file')
  if (customFilename !== undefined && typeof customFilename !== 'string')
    return invalid('custom_filename: expected a string when given')
  const name = (customFilename as string | undefined) ?? filePath
  if (!/\.(ulg|bag)$/i.test(name))
    return invalid(`Invalid file extension. Only .ulg, .bag files are allowed (got ${name})`)
  for (const [id, u] of state.uploads)
    if (u.filePath === filePath && u.handle.status().state === 'running')
      return {
        status: 'error',
        message: `${filePath} is already being uploaded (job ${id})`,
        error_code: 'OPERATION_ACTIVE',
      }
  const bucket = ctx.proxy('bucket')
  const db = ctx.optionalProxy('db')
  const handle = ctx.job<UploadSuccess>('s3_upload', async (job) => {
    const r = await bucket.uploadFile(filePath, {
      ...(customFilename === undefined ? {} : { customFilename: customFilename as string }),
      signal: job.signal,
      onProgress: (p) =>
        job.progress({
          done: p.loaded,
          total: p.total,
          fraction: p.total === 0 ? 1 : p.loaded / p.total,
          message: `${p.partsDone}/${p.parts} parts${p.resumedParts > 0 ? ` (${p.resumedParts} resumed)` : ''}`,
        }),
    })
    await db
      ?.update(
        'flight_log_uploads',
        r.success
          ? { status: 'succeeded', s3_key: r.s3_key, file_size: r.file_size, ended_at: Date.now() }
          : { status: 'failed', error: r.error, ended_at: Date.now() },
        { job_id: job.id },
      )
      .catch((e: unknown) => job.log.warn({ error: String(e) }, 'could not record the upload result'))
    if (!r.success) throw new Error(r.error)
    return r
  })
  state.uploads.set(handle.id, { handle, filePath })
  await db?.insert('flight_log_uploads', {
    job_id: handle.id,
    file_path: filePath,
    status: 'running',
    started_at: Date.now(),
  })
  return { status: 'success', message: 'Upload started', data: { job_id: handle.id, file_path: filePath } }
}

/** A job as answered to clients, with the upload result once it succeeded. */
async function view(state: State, id: string): Promise<Record<string, unknown> | undefined> {
  const u = state.uploads.get(id)
  if (u === undefined) return undefined
  const s: Readonly<JobStatus> = u.handle.status()
  const result = s.state === 'succeeded' ? await u.handle.result : undefined
  return {
    job_id: s.id,
    file_path: u.filePath,
    state: s.state,
    progress: s.progress ?? null,
    error: s.error ?? null,
    result: result ?? null,
  }
}

function jobId(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

export default definePetal({
  name: 'petal-flight-log',
  version: '1.0.0',
  description: 'Uploads flight logs to the bucket as jobs with progress and cancel',
  requires: ['bucket'],
  optional: ['db'],
  init: async (ctx): Promise<State> => {
    await ctx.optionalProxy('db')?.migrate('petal-flight-log', [{ version: 1, up: HISTORY }])
    return { uploads: new Map() }
  },
  mqtt: {
    upload_flight_log: (msg, state, ctx) => startUpload(msg.payload, state, ctx),
    get_upload_status: async (msg, state) => {
      const id = jobId(msg.payload.job_id)
      if (id === undefined) return invalid('job_id: expected a job id string')
      const v = await view(state, id)
      return v === undefined
        ? { status: 'error', message: `no upload job ${id}`, error_code: 'VALIDATION_ERROR' }
        : { status: 'success', data: v }
    },
    cancel_upload: (msg, state) => {
      const id = jobId(msg.payload.job_id)
      const u = id === undefined ? undefined : state.uploads.get(id)
      if (u === undefined) return invalid('job_id: expected the id of an upload job')
      u.handle.cancel('cancelled by request')
      return { status: 'success', message: `cancel requested for ${id}` }
    },
    list_uploads: async (_msg, state, ctx) => {
      const db = ctx.optionalProxy('db')
      const history =
        db === undefined
          ? undefined
          : await db.fetchAll('SELECT * FROM flight_log_uploads ORDER BY started_at DESC LIMIT 100')
      const current = await Promise.all([...state.uploads.keys()].map((id) => view(state, id)))
      return { status: 'success', data: { jobs: current, history: history ?? null } }
    },
  },
  http: {
    'POST /uploads': async (req, state, ctx) =>
      startUpload((req.body ?? {}) as Record<string, unknown>, state, ctx),
    'GET /uploads': async (_req, state) => ({
      jobs: await Promise.all([...state.uploads.keys()].map((id) => view(state, id))),
    }),
    'GET /uploads/:id': async (req, state) => {
      const v = await view(state, req.params.id ?? '')
      if (v === undefined) throw new HttpError(404, 'NOT_FOUND', `no upload job ${req.params.id}`)
      return v
    },
    'POST /uploads/:id/cancel': (req, state) => {
      const u = state.uploads.get(req.params.id ?? '')
      u?.handle.cancel('cancelled by request')
      return { cancelled: u !== undefined }
    },
  },
})
