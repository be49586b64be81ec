import { DynamicModule, Global, Injectable, Logger, Module, OnModuleDestroy } from '@nestjs/common';
import { CqrsModule, UnhandledExceptionBus } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { Subscription } from 'rxjs';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { loggingOptions } from './logging/logging';
import { JobsModule } from './messaging/jobs.module';
import { RedisModule } from './redis/redis.module';
import { UnitOfWork } from './database/unit-of-work';
import { EventConsumers } from './messaging/event-consumer';
import { IdempotencyStore } from './messaging/idempotency';
import { IdempotentExecutor } from './messaging/idempotent-executor';
import { OutboxWriter } from './messaging/outbox';
import { OutboxRelay, RELAY_ENABLED } from './messaging/outbox-relay';
import { ParkedEvents } from './messaging/parked-events';
import { Metrics } from './observability/metrics';
import { OwnAddress } from './http/own-address';
import { Clock } from './time/clock';
import { DueWork } from './time/due-work';
import { DevMailbox } from './dev/dev-mailbox';
import { TableMaintenance } from './database/table-maintenance';

const SHARED_SERVICES = [
  Metrics,
  OwnAddress,
  Clock,
  DueWork,
  UnitOfWork,
  OutboxWriter,
  OutboxRelay,
  ParkedEvents,
  EventConsumers,
  IdempotencyStore,
  IdempotentExecutor,
  DevMailbox,
  TableMaintenance,
];

/** Errors thrown in event handlers never reach an exception filter: log them here (STYLE.md). */
@Injectable()
class UnhandledExceptionLogger implements OnModuleDestroy {
  private readonly logger = new Logger('UnhandledException');
  private readonly subscription: Subscription;

  constructor(bus: UnhandledExceptionBus) {
    this.subscription = bus.subscribe(({ exception, cause }) =>
      this.logger.error({ err: exception, cause: cause?.constructor.name }, 'Event handler failed'),
    );
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }
}

/**
 * What every process needs: configuration, logs, database, Redis, jobs, the CQRS buses, the unit of work,
 * idempotency, the outbox with its relay, and the metrics registry (served by HttpPlatformModule's `/metrics`).
 */
@Global()
@Module({})
export class CoreModule {
  /**
   * `processors`: run the `@OnJob` processors here. `relay`: run the outbox relay loop here — the API processes by
   * default (every one of them; SKIP LOCKED keeps them apart), the workers with `OUTBOX_RELAY=worker`. Sockets are
   * fed apart from it (each API reads the outbox for its own: RealtimeAnnouncer).
   */
  static forRoot(config: AppConfig, options: { processors: boolean; relay: boolean }): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggingOptions(config)),
        RedisModule,
        DatabaseModule,
        JobsModule.forRoot({ processors: options.processors }),
        CqrsModule.forRoot(),
      ],
      providers: [
        UnhandledExceptionLogger,
        ...SHARED_SERVICES,
        { provide: RELAY_ENABLED, useValue: options.relay },
      ],
      exports: [CqrsModule, ...SHARED_SERVICES],
    };
  }
}
