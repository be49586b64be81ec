import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../http/public.decorator';
import { InjectRedis, type RedisClient } from '../redis/redis.module';
import { ApiErrorResponses } from '../http/api-error-responses';

/** Liveness (the process answers) and readiness (database, and Redis when configured). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectRedis() private readonly redis: RedisClient,
  ) {}

  @ApiErrorResponses()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @ApiErrorResponses(503)
  @Get()
  @HealthCheck()
  async ready() {
    const result = await this.health.check([
      () => this.database.pingCheck('database', { timeout: 2_000 }),
      ...(this.redis ? [() => this.pingRedis()] : []),
    ]);
    return { success: true, ...result };
  }

  private async pingRedis() {
    const indicator = this.indicators.check('redis');
    try {
      await Promise.race([
        this.redis?.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000)),
      ]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
