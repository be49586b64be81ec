import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IdentityModule, JwtAuthGuard } from '#monay/identity';
import { AppConfig, CoreModule, HttpPlatformModule } from '#monay/shared';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, { processors: config.jobsInProcess }),
        HttpPlatformModule,
        IdentityModule,
      ],
      // After the rate limiter (HttpPlatformModule's guard), every route needs a token unless @Public().
      providers: [{ provide: APP_GUARD, useExisting: JwtAuthGuard }],
    };
  }
}
