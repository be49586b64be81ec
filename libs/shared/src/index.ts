export * from './kernel';
export {
  AppConfig,
  ConfigError,
  loadConfig,
  IN_MEMORY,
  PROVIDER_NAMES,
  PROVIDER_MODES,
  PROVIDER_START_MODES,
  ROUTED_OPERATIONS,
  TIER_FEATURES,
  type TierFeature,
  type TempoContracts,
  type ProviderName,
  type ProviderMode,
  type ProviderStartMode,
  type RoutedOperation,
} from './config/app-config';
export { CoreModule } from './core.module';
export { HttpPlatformModule } from './http/http-platform.module';
export { HttpExceptionFilter } from './http/http-exception.filter';
export { errorEnvelope, type ErrorEnvelope, type ErrorBody } from './http/error-envelope';
export { ApiErrorResponses, ErrorEnvelopeDto, ErrorBodyDto } from './http/api-error-responses';
export { OwnAddress } from './http/own-address';
export { requestIdMiddleware } from './http/request-id';
export { recordJsonNumberSource } from './http/json-number-source';
export { outsideApiNotFound } from './http/outside-api.middleware';
export { Public, IS_PUBLIC } from './http/public.decorator';
export { acceptMultipartOn } from './http/json-only.middleware';
export { AuthRateLimited } from './http/rate-limit';
export { DatabaseEndpoint } from './database/database-endpoint';
export { dataSourceOptions, BigIntTransformer } from './database/data-source-options';
export { isDatabaseUnavailable } from './database/database-errors';
export { PgliteWireServer } from './database/pglite';
export { JobName, QueueName, type JobPayloads } from './messaging/job-names';
export { JobQueue } from './messaging/job-queue';
export { JobBackend } from './messaging/job-backend';
export { OnJob } from './messaging/on-job.decorator';
export { REDIS, InjectRedis, type RedisClient } from './redis/redis.module';
export { loadConfigOrExit, installGracefulShutdown } from './runtime/process-lifecycle';
export { CachedRead } from './runtime/cached-read';
export { pause } from './runtime/pause';
export { GLIBC_MALLOC_SETTINGS } from './runtime/glibc-malloc-settings';
export { UnitOfWork } from './database/unit-of-work';
export {
  TableMaintenance,
  TABLE_MAINTENANCE_EVERY_MS,
  type TableMaintenanceRun,
} from './database/table-maintenance';
export {
  combineWrites,
  insertRowsWrite,
  runWrites,
  shiftParameters,
  MAX_STATEMENT_PARAMETERS,
  refusedWhole,
  REFUSED_WHOLE,
  type Guard,
  type GuardedWrite,
  type SqlWrite,
} from './database/sql-write';
export { equalsOneOf, readTogether, type ReadStep, type SqlRead } from './database/sql-read';
export { NEXT_XID_SQL, transactionsInFlight } from './database/transactions-in-flight';
export {
  OutboxWriter,
  PublishedEvent,
  OUTBOX_COLUMNS,
  toPublishedEvent,
  outboxMessage,
  type AnyOutboxMessage,
  type DomainEvent,
  type OutboxMessage,
  type OutboxRow,
} from './messaging/outbox';
export {
  defineEvents,
  isCatalogued,
  type DomainEventName,
  type DomainEvents,
  type EventPayload,
  type EventSchema,
  type EventSchemas,
  type MoneyMovementEventName,
  type MoneyMovementEvents,
} from './messaging/domain-events';
export { OutboxRelay } from './messaging/outbox-relay';
export { OutboxHorizon } from './messaging/outbox-horizon';
export { applyInOrder, consumes, EventConsumers, type EventConsumer } from './messaging/event-consumer';
export {
  IdempotencyStore,
  IdempotencyKeyRequiredError,
  IdempotencyKeyReusedError,
  IdempotencyConflictError,
  assertIdempotencyKey,
  requestHash,
  type StoredResponse,
  type IdempotentRequest,
} from './messaging/idempotency';
export {
  IdempotentExecutor,
  IdempotentCompletion,
  type IdempotentResult,
} from './messaging/idempotent-executor';
export { sendIdempotent, idempotencyKeyOf } from './http/idempotent-reply';
export {
  IsMoneyAmount,
  IsCurrencyCode,
  MONEY_AMOUNT_PATTERN,
  MONEY_AMOUNT_SCHEMA_NOTE,
} from './http/amount.validator';
export { IsTimeZone } from './http/time-zone.validator';
export { MoneyAmountDto } from './http/money-amount.dto';
export { Roles, REQUIRED_ROLES, type Role } from './http/roles.decorator';
export { DeadLetters, type DeadLetterView } from './messaging/dead-letters';
export type { DeadLetter } from './messaging/job-names';
export { PageQueryDto } from './http/page-query.dto';
export { decodePageCursor, encodePageCursor } from './http/page-cursor';
export { Metrics } from './observability/metrics';
export { Clock, ClockNotAdjustableError } from './time/clock';
export { DueWork, type DueWorkSweeper } from './time/due-work';
export { DevToolsModule } from './dev/dev-tools.module';
export { DevMailbox, type DevMailMessage, type DevMailView, type RawMessageDecoder } from './dev/dev-mailbox';
export { requestIdOf } from './http/request-id';
export {
  OUTBOUND_MESSAGES,
  type OutboundMessage,
  type OutboundMessages,
} from './messaging/outbound-messages';
