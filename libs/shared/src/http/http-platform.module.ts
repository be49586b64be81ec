import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, Reflector } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { DeadLetterController } from '../messaging/dead-letter.controller';
import { ParkedEventsController } from '../messaging/parked-events.controller';
import { HealthController } from '../observability/health.controller';
import { MetricsController, MetricsMiddleware } from '../observability/metrics';
import { REDIS, type RedisClient } from '../redis/redis.module';
import { ClientErrorResponder } from './client-error';
import { HttpExceptionFilter } from './http-exception.filter';
import { jsonOnly } from './json-only.middleware';
import { rateLimitOptions } from './rate-limit';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { createValidationPipe } from './validation';

/**
 * Cross-cutting HTTP: the error envelope, validation, JSON-only bodies, rate limits (in memory, or in
 * Redis across replicas), health and metrics. Its guard runs before any authentication guard.
 */
@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, Reflector, REDIS],
      useFactory: (config: AppConfig, reflector: Reflector, redis: RedisClient) =>
        rateLimitOptions(
          config,
          reflector,
          redis && config.redis ? new RedisThrottlerStorage(redis, config.redis.prefix) : undefined,
        ),
    }),
  ],
  controllers: [HealthController, MetricsController, DeadLetterController, ParkedEventsController],
  providers: [
    ClientErrorResponder,
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_GUARD, useClass: ThrottlerGuard },
  ],
})
export class HttpPlatformModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(jsonOnly, MetricsMiddleware).forRoutes('*path');
  }
}
