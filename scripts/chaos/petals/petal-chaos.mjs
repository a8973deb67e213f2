// petal-chaos: the chaos run's own petal (scripts/chaos). It makes local-DB writes marked for
// sync (idempotent per key, so a command run again after a kill -9 answers the same), reads them
// back for the invariant checks, counts Redis pub/sub messages, and crashes on command (a timer
// that throws, so the actor fails and its supervisor restarts it: a crash loop when repeated).
import { definePetal } from 'petal-runtime'

const TABLE = 'chaos_writes'
const CHANNEL = 'chaos:ping'

function invalid(message) {
  return { status: 'error', message, error_code: 'VALIDATION_ERROR' }
}

export default definePetal({
  name: 'petal-chaos',
  version: '0.1.0',
  description: 'Load and crash target of the chaos run',
  requires: ['db', 'redis'],
  init: async (ctx) => {
    await ctx
      .proxy('db')
      .migrate('petal-chaos', [
        { version: 1, up: `CREATE TABLE ${TABLE} (key INTEGER PRIMARY KEY, value TEXT NOT NULL)` },
      ])
    const pubsub = { received: 0, lastSeq: -1 }
    await ctx.proxy('redis').subscribe(CHANNEL, (_channel, message) => {
      const seq = Number(message)
      pubsub.received++
      if (Number.isInteger(seq) && seq > pubsub.lastSeq) pubsub.lastSeq = seq
    })
    return { pubsub, crashes: 0 }
  },
  mqtt: {
    write: async (msg, _state, ctx) => {
      const { key, value } = msg.payload
      if (!Number.isSafeInteger(key) || key < 0)
        return invalid('payload.key: expected a non-negative integer')
      if (typeof value !== 'string' || value.length > 256)
        return invalid('payload.value: expected a string of at most 256 characters')
      const db = ctx.proxy('db')
      const row = await db.fetchOne(`SELECT value FROM ${TABLE} WHERE key = ?`, [key])
      if (row !== undefined) {
        if (row.value === value) return { status: 'success', data: { key, value } }
        return { status: 'error', message: `key ${key} holds another value`, error_code: 'CONFLICT' }
      }
      await db.insert(TABLE, { key, value }, { sync: true })
      return { status: 'success', data: { key, value } }
    },
    crash: (msg, state, ctx) => {
      const after = Number.isInteger(msg.payload.afterMs) ? msg.payload.afterMs : 0
      ctx.setTimeout(() => {
        throw new Error('petal-chaos: crash on command')
      }, after)
      return { status: 'success', data: { crashing: true, restarts: ctx.restarts, crashes: state.crashes } }
    },
  },
  http: {
    'GET /keys': async (_req, _state, ctx) => {
      const rows = await ctx.proxy('db').fetchAll(`SELECT key, value FROM ${TABLE} ORDER BY key`)
      return { present: Object.fromEntries(rows.map((r) => [String(r.key), r.value])) }
    },
    'GET /pubsub': (_req, state, ctx) => ({ ...state.pubsub, restarts: ctx.restarts }),
  },
})
