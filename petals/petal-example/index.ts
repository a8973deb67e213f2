/**
 * petal-example: the guide's first petal. It counts, answers MQTT commands and HTTP requests, and
 * runs a job with progress. It needs no proxy, so `petal start --sim` runs it anywhere.
 */
import { definePetal } from '../../runtime/index.ts'

interface State {
  readonly count: number
  readonly startedAt: string
}

export default definePetal({
  name: 'petal-example',
  version: '1.0.0',
  description: 'Counts, answers commands and runs a job: a starting point for new petals',
  init: (ctx) => {
    ctx.log.info({ restarts: ctx.restarts }, 'petal-example started')
    const state: State = { count: 0, startedAt: new Date().toISOString() }
    return state
  },
  mqtt: {
    ping: (_msg, state) => ({ status: 'success', data: { pong: true, count: state.count } }),
    increment: (msg, state, ctx) => {
      const by = typeof msg.payload.by === 'number' ? msg.payload.by : 1
      ctx.setState({ ...state, count: state.count + by })
      return { status: 'success', data: { count: state.count + by } }
    },
    count_slowly: (msg, _state, ctx) => {
      const to = typeof msg.payload.to === 'number' ? Math.min(msg.payload.to, 1000) : 10
      const job = ctx.job('count', async (j) => {
        for (let i = 1; i <= to; i++) {
          if (j.signal.aborted) throw j.signal.reason
          await new Promise((r) => setTimeout(r, 10))
          j.progress({ done: i, total: to })
        }
        return to
      })
      return { status: 'success', data: { jobId: job.id } }
    },
  },
  http: {
    'GET /status': (_req, state, ctx) => ({ ...state, restarts: ctx.restarts, jobs: ctx.jobs() }),
    'POST /count': (_req, state, ctx) => {
      ctx.setState({ ...state, count: state.count + 1 })
      return { count: state.count + 1 }
    },
  },
})
