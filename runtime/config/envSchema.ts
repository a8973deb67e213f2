/**
 * The runtime's own `PETAL_*` variables (proxies read theirs in `actors/<kind>/`), with the
 * original's names and defaults, and the list of every name the original knows, so a misspelt
 * variable is reported as unknown. Booleans accept true/false, 1/0, yes/no, on/off (any case);
 * `PETAL_LOG_LEVEL` accepts the original's DEBUG, INFO, WARNING, ERROR, CRITICAL (any case).
 */
import * as Schema from 'effect/Schema'

const BoolFromString = Schema.transform(
  Schema.Literal(
    'true',
    'false',
    '1',
    '0',
    'yes',
    'no',
    'on',
    'off',
    'TRUE',
    'FALSE',
    'True',
    'False',
    'YES',
    'NO',
    'Yes',
    'No',
    'ON',
    'OFF',
    'On',
    'Off',
  ),
  Schema.Boolean,
  {
    strict: true,
    decode: (s) => ['true', '1', 'yes', 'on'].includes(s.toLowerCase()),
    encode: (b) => (b ? 'true' : 'false'),
  },
).annotations({ identifier: 'true/false, 1/0, yes/no or on/off' })

const Port = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 65535)).annotations({
  identifier: 'an integer port 1..65535',
})

const PositiveNumber = Schema.NumberFromString.pipe(Schema.positive()).annotations({
  identifier: 'a positive number',
})

/** Log levels as the original spells them, mapped to pino's. */
export const LOG_LEVELS = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  warn: 'warn',
  error: 'error',
  critical: 'fatal',
  fatal: 'fatal',
  silent: 'silent',
} as const

export type PinoLevel = (typeof LOG_LEVELS)[keyof typeof LOG_LEVELS]

/** `PETAL_LOG_LEVEL` / `--log-level`: case-insensitive, mapped to a pino level. */
export const LogLevel = Schema.transform(
  Schema.String.pipe(
    Schema.filter((s) => s.toLowerCase() in LOG_LEVELS, {
      message: (issue) =>
        `Expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL (or trace, silent), actual ${JSON.stringify(issue.actual)}`,
    }),
  ),
  Schema.Literal('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'),
  { strict: true, decode: (s) => LOG_LEVELS[s.toLowerCase() as keyof typeof LOG_LEVELS], encode: (l) => l },
)

/** The runtime's own variables, decoded from strings. */
export const RuntimeEnv = Schema.Struct({
  PETAL_LOG_LEVEL: Schema.optionalWith(LogLevel, { default: () => 'info' as const }),
  PETAL_LOG_TO_FILE: Schema.optionalWith(BoolFromString, { default: () => true }),
  PETAL_LOG_DIR: Schema.optionalWith(Schema.NonEmptyString, { default: () => 'logs' }),
  PETAL_LOG_MAX_BYTES: Schema.optionalWith(PositiveNumber, { default: () => 50 * 1024 * 1024 }),
  PETAL_HTTP_HOST: Schema.optionalWith(Schema.NonEmptyString, { default: () => '127.0.0.1' }),
  PETAL_HTTP_PORT: Schema.optionalWith(Port, { default: () => 9000 }),
  PETAL_API_TOKEN: Schema.optional(Schema.NonEmptyString),
  PETAL_SHUTDOWN_TIMEOUT_MS: Schema.optionalWith(PositiveNumber, { default: () => 30_000 }),
  PETAL_REDIS_HEALTH_MESSAGE_RATE: Schema.optionalWith(PositiveNumber, { default: () => 3 }),
})

export type RuntimeEnv = Schema.Schema.Type<typeof RuntimeEnv>

/**
 * Every `PETAL_*` name the original reads or documents, plus ours. A `PETAL_*` variable outside
 * this list is reported as a warning (probably a typo), not an error.
 */
export const KNOWN_ENV_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(RuntimeEnv.fields),
  'PETAL_ACCESS_TOKEN_URL',
  'PETAL_SESSION_TOKEN_URL',
  'PETAL_S3_BUCKET_NAME',
  'PETAL_CLOUD_ENDPOINT',
  'PETAL_LOCAL_DB_HOST',
  'PETAL_LOCAL_DB_PORT',
  'PETAL_LOCAL_DB_PATH',
  'PETAL_REDIS_HOST',
  'PETAL_REDIS_PORT',
  'PETAL_REDIS_DB',
  'PETAL_REDIS_PASSWORD',
  'PETAL_REDIS_UNIX_SOCKET_PATH',
  'PETAL_GET_DATA_URL',
  'PETAL_SCAN_DATA_URL',
  'PETAL_UPDATE_DATA_URL',
  'PETAL_SET_DATA_URL',
  'PETAL_TS_CLIENT_HOST',
  'PETAL_TS_CLIENT_PORT',
  'PETAL_CALLBACK_HOST',
  'PETAL_CALLBACK_PORT',
  'PETAL_ENABLE_CALLBACKS',
  'PETAL_COMMAND_EDGE_TOPIC',
  'PETAL_RESPONSE_TOPIC',
  'PETAL_TEST_TOPIC',
  'PETAL_COMMAND_WEB_TOPIC',
  'PETAL_MQTT_HEALTH_CHECK_INTERVAL',
  'PETAL_DEBUG_SQUARE_TEST',
  'PETAL_MAVLINK_ENDPOINT',
  'PETAL_MAVLINK_BAUD',
  'PETAL_MAVLINK_SOURCE_SYSTEM_ID',
  'PETAL_MAVLINK_SOURCE_COMPONENT_ID',
  'PETAL_MAVLINK_MAXLEN',
  'PETAL_MAVLINK_WORKER_SLEEP_MS',
  'PETAL_MAVLINK_HEARTBEAT_SEND_FREQUENCY',
  'PETAL_MAVLINK_SIGNING_KEY',
  'PETAL_MAVLINK_HEARTBEAT_TIMEOUT',
  'PETAL_MAVLINK_WORKER_THREADS',
  'PETAL_REDIS_WORKER_THREADS',
  'PETAL_POLL_INTERVAL',
  'PETAL_ROOT_SD_PATH',
  'PETAL_MQTT_RETRY_INTERVAL',
  'PETAL_CLOUD_RETRY_INTERVAL',
  'PETAL_MQTT_STARTUP_TIMEOUT',
  'PETAL_CLOUD_STARTUP_TIMEOUT',
  'PETAL_MQTT_SUBSCRIBE_TIMEOUT',
  'PETAL_MQTT_URL',
  'PETAL_MQTT_USERNAME',
  'PETAL_MQTT_PASSWORD',
  'PETAL_MQTT_CA_FILE',
  'PETAL_MQTT_CERT_FILE',
  'PETAL_MQTT_KEY_FILE',
  'PETAL_THING_PARAMETERS_PATH',
  'PETAL_MACHINE_ID',
  'PETAL_REBOOT_SITL_MODE',
  'PETAL_REBOOT_ACK_TIMEOUT',
  'PETAL_REBOOT_HB_DROP_WINDOW',
  'PETAL_REBOOT_HB_DROP_GAP',
  'PETAL_REBOOT_HB_RETURN_WINDOW',
  'PETAL_REBOOT_HB_POLL_INTERVAL',
  'PETAL_CLOUD_REGION',
  'PETAL_CLOUD_ACCESS_KEY_ID',
  'PETAL_CLOUD_SECRET_ACCESS_KEY',
  'PETAL_S3_ENDPOINT',
  'PETAL_S3_REGION',
  'PETAL_LOCAL_DB_CHECKPOINT_BYTES',
  'PETAL_LOCAL_DB_CHECKPOINT_INTERVAL',
  'PETAL_LOCAL_DB_TX_TIMEOUT',
  'PETAL_LOCAL_DB_SYNC',
  'PETAL_CLOUD_DEVICE_SCOPING',
  'PETAL_CLOUD_REQUEST_TIMEOUT',
  'PETAL_S3_ACCESS_KEY_ID',
  'PETAL_S3_SECRET_ACCESS_KEY',
  'PETAL_S3_FORCE_PATH_STYLE',
  'PETAL_S3_CHECKSUMS',
  'PETAL_S3_SSE',
  'PETAL_S3_ROOTS',
  'PETAL_S3_STATE_DIR',
  'PETAL_S3_PART_SIZE_MB',
  'PETAL_S3_CONCURRENCY',
  'PETAL_S3_RETRIES',
  'PETAL_S3_REQUEST_TIMEOUT',
  'PETAL_MQTT_CLIENT_ID',
  'PETAL_MQTT_OUTBOX_PATH',
  'PETAL_MQTT_OUTBOX_FSYNC',
  'PETAL_ORGANIZATION_ID',
  'PETAL_EMBEDDED_MQTT_PORT',
  'PETAL_FAULTS',
])
