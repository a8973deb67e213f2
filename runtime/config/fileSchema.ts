/**
 * The YAML config file: the keys of the original's `proxies.yaml`, unchanged (`enabled_proxies`,
 * `enabled_petals`, `startup_petals`, `petals`, `petal_dependencies`, `proxy_dependencies`), plus
 * two of ours, both optional: `supervision` (restart budgets) and `petal_settings` (per-petal
 * settings handed to the petal as `ctx.settings`). Unknown keys are errors, so a typo never
 * silently disables something.
 */
import * as Schema from 'effect/Schema'
import { isProxyName, PROXY_NAMES, type ProxyName } from '../../actors/ProxyKind.ts'

const PetalName = Schema.String.pipe(
  Schema.pattern(/^petal-[a-z0-9][a-z0-9-]*$/, {
    message: (i) => `Expected a petal name 'petal-<kebab-case>', actual ${JSON.stringify(i.actual)}`,
  }),
)

const ProxyNameSchema = Schema.String.pipe(
  Schema.filter((s): s is ProxyName => isProxyName(s), {
    message: (i) => `Expected a proxy name (${PROXY_NAMES.join(', ')}), actual ${JSON.stringify(i.actual)}`,
  }),
)

const ProxyList = Schema.Array(ProxyNameSchema)

const Backoff = Schema.Struct({
  min_ms: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  max_ms: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  jitter: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
  reset_after_ms: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
})

/** A restart budget as written in YAML (snake_case, milliseconds). */
const Budget = Schema.Struct({
  intensity: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  period_ms: Schema.optional(Schema.Number.pipe(Schema.positive())),
  backoff: Schema.optional(Backoff),
  shutdown_ms: Schema.optional(Schema.Number.pipe(Schema.positive())),
})

export type BudgetInput = Schema.Schema.Type<typeof Budget>

/** The config file. Every key is optional; an empty file is a valid (empty) config. */
export const FileConfig = Schema.Struct({
  enabled_proxies: Schema.optional(ProxyList),
  enabled_petals: Schema.optional(Schema.Array(PetalName)),
  startup_petals: Schema.optional(Schema.Array(PetalName)),
  petals: Schema.optional(Schema.Record({ key: PetalName, value: Schema.NonEmptyString })),
  petal_dependencies: Schema.optional(Schema.Record({ key: Schema.String, value: ProxyList })),
  proxy_dependencies: Schema.optional(Schema.Record({ key: ProxyNameSchema, value: ProxyList })),
  supervision: Schema.optional(
    Schema.Struct({
      root: Schema.optional(Budget),
      proxies: Schema.optional(Budget),
      petals: Schema.optional(Budget),
      by_petal: Schema.optional(Schema.Record({ key: PetalName, value: Budget })),
    }),
  ),
  petal_settings: Schema.optional(Schema.Record({ key: PetalName, value: Schema.Unknown })),
  allowed_origins: Schema.optional(Schema.Array(Schema.NonEmptyString)),
})

export type FileConfig = Schema.Schema.Type<typeof FileConfig>
