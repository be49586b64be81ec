import { DynamicModule, Injectable, Logger, Module, OnModuleDestroy } from '@nestjs/common';
import { CqrsModule, UnhandledExceptionBus } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { Subscription } from 'rxjs';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { loggingOptions } from './logging/logging';
import { JobsModule } from './messaging/jobs.module';
import { RedisModule } from './redis/redis.module';

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

/** What every process needs: configuration, logs, database, Redis, jobs and the CQRS buses. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, options: { processors: boolean }): DynamicModule {
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
      providers: [UnhandledExceptionLogger],
    };
  }
}
