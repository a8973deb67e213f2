/**
 * petal-parameter-config (the guide's example): bulk parameter set and read over lossy links,
 * reporting the names that were not confirmed or not read. HTTP (each waits for its result):
 * `POST /petals/petal-parameter-config/parameters` (body `{ parameters: { NAME: value |
 * [value, type] | { value, type } }, timeout? }`), `POST .../parameters/read` (body
 * `{ parameter_names: [...] }`) and `GET .../parameters` (all). The MQTT commands arrive with the
 * MQTT proxy and will call the same operations.
 */
import { definePetal } from '../../runtime/index.ts'
import { bulkGetParameters, bulkSetParameters, getAllParameters } from './parameters.ts'

export default definePetal({
  name: 'petal-parameter-config',
  version: '1.0.0',
  description: 'Bulk parameter set and read, reporting unconfirmed names',
  requires: ['ext_mavlink'],
  init: () => ({}),
  http: {
    'POST /parameters': {
      timeoutMs: 120_000,
      handler: (req, _state, ctx) => bulkSetParameters(ctx.proxy('ext_mavlink'), req.body),
    },
    'POST /parameters/read': {
      timeoutMs: 120_000,
      handler: (req, _state, ctx) => bulkGetParameters(ctx.proxy('ext_mavlink'), req.body),
    },
    'GET /parameters': {
      timeoutMs: 120_000,
      handler: (req, _state, ctx) =>
        getAllParameters(ctx.proxy('ext_mavlink'), { timeout: Number(req.query.timeout ?? 60) }),
    },
  },
})
