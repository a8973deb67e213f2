/**
 * petal-runtime: the one module a petal imports. It holds the petal SDK (`definePetal` and its
 * types), the proxy facade types, and the actor kernel for programs that embed the runtime.
 */

export { BucketFacade } from '../actors/bucket/BucketFacade.ts'
export type { BucketErrorCode, BucketFailure, BucketResult } from '../actors/bucket/bucketResults.ts'
export {
  type CreateBucketOptions,
  createBucketProxy,
  type StandaloneBucket,
} from '../actors/bucket/createBucketProxy.ts'
export type {
  DeletedFile,
  DownloadedFile,
  ListedObject,
  ListOptions,
  MovedFile,
  ObjectHead,
  ObjectList,
} from '../actors/bucket/objectOperations.ts'
export type { UploadProgress } from '../actors/bucket/resumableUpload.ts'
export type { UploadOptions, UploadSuccess } from '../actors/bucket/uploadFlightLog.ts'
export { CloudDbFacade } from '../actors/clouddb/CloudDbFacade.ts'
export type { CloudErrorCode, CloudFailure, CloudResult } from '../actors/clouddb/cloudResults.ts'
export {
  type CreateCloudDbOptions,
  createCloudDbProxy,
  type StandaloneCloudDb,
} from '../actors/clouddb/createCloudDbProxy.ts'
export type { ScanFilter, ScanOptions } from '../actors/clouddb/scanTable.ts'
export {
  type CreateLocalDbOptions,
  createLocalDbProxy,
  type StandaloneLocalDb,
} from '../actors/localdb/createLocalDbProxy.ts'
export { LocalDbError, type LocalDbErrorCode } from '../actors/localdb/LocalDbError.ts'
export { type ChangeOptions, LocalDbFacade } from '../actors/localdb/LocalDbFacade.ts'
export type { Migration, MigrationResult } from '../actors/localdb/migrations.ts'
export type { SqlRow, SqlValue } from '../actors/localdb/sqlValues.ts'
export {
  type CreateMavlinkProxyOptions,
  createMavlinkProxy,
  type MavlinkProxy,
} from '../actors/mavlink/createMavlinkProxy.ts'
export {
  MavlinkCancelled,
  MavlinkClosed,
  MavlinkError,
  MavlinkTimeout,
  MavlinkUnavailable,
  MavlinkValidationError,
} from '../actors/mavlink/errors.ts'
export type { MavlinkFacade } from '../actors/mavlink/MavlinkFacade.ts'
export type { MavlinkMessage } from '../actors/mavlink/MavlinkMessage.ts'
export type { ConfirmedParam, RebootRequest } from '../actors/mavlink/MavlinkOperations.ts'
export {
  type CreateMqttProxyOptions,
  createMqttProxy,
  type StandaloneMqttProxy,
} from '../actors/mqtt/createMqttProxy.ts'
export type { CommandEnvelope } from '../actors/mqtt/envelope.ts'
export type { CommandHandler, MqttFacade, PublishOptions } from '../actors/mqtt/MqttFacade.ts'
export type { MqttHealth } from '../actors/mqtt/mqttProtocol.ts'
export { OutboxFull } from '../actors/mqtt/Outbox.ts'
export { isProxyName, PROXY_NAMES, type ProxyHealth, type ProxyName } from '../actors/ProxyKind.ts'
export { ProxyUnavailable } from '../actors/ProxyUnavailable.ts'
export { createRedisProxy, type StandaloneRedisProxy } from '../actors/redis/createRedisProxy.ts'
export { RedisCommandError } from '../actors/redis/RedisCommandError.ts'
export type { RedisCallback, RedisCallOptions, RedisFacade } from '../actors/redis/RedisFacade.ts'
export type { RedisValue } from '../actors/redis/redisOps.ts'
export type { RedisHealth } from '../actors/redis/redisProtocol.ts'
export type { ParamGetOptions, ParamGetReport, ParamReading } from '../machines/paramGet.machine.ts'
export type { ParamSetOptions, ParamSetReport, ParamSetResult } from '../machines/paramSet.machine.ts'
export { normalizeParamSpecs, ParamSpecError } from '../machines/paramSpec.ts'
export type { RebootResult, RebootStatusCode } from '../machines/reboot.machine.ts'
export {
  type ActorContext,
  ActorFailed,
  type ActorOptions,
  ActorRef,
  ActorStopped,
  type ActorSystem,
  type ActorSystemOptions,
  AskTimeout,
  type Behavior,
  type ChildSpec,
  createActorSystem,
  type ExitReason,
  HandlerTimeout,
  IntensityExceeded,
  KernelError,
  MailboxFull,
  type Message,
  MessageDropped,
  NoReply,
  type SupervisorSpec,
  supervisor,
  type Terminated,
  VirtualClock,
} from './kernel/index.ts'
export {
  definePetal,
  type EventHandler,
  HttpError,
  type HttpHandler,
  type HttpMethod,
  type HttpRequest,
  type HttpRouteKey,
  type MqttCommand,
  type MqttHandler,
  type MqttResponse,
  type Petal,
  type PetalDefinition,
  type PetalSocket,
  type PetalSupervision,
  type WsHandler,
} from './petal/definePetal.ts'
export {
  JobCancelled,
  type JobContext,
  type JobHandle,
  type JobProgress,
  type JobRun,
  type JobStartOptions,
  type JobStatus,
} from './petal/jobs.ts'
export type { PetalContext, PetalInitContext } from './petal/PetalContext.ts'
export type { ProxyFacades } from './petal/proxyFacades.ts'
