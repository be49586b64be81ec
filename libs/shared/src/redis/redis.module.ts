import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

export const REDIS = Symbol('REDIS');

/** The shared Redis client (rate limits, health); `undefined` in embedded mode. */
export type RedisClient = Redis | undefined;

export const InjectRedis = (): ParameterDecorator => Inject(REDIS);

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): RedisClient => {
        if (!config.redis) return undefined;
        const logger = new Logger('Redis');
        const client = new Redis(config.redis.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
        client.on('error', (error) => logger.warn(error.message));
        return client;
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
