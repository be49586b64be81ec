import { DynamicModule, Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { AppConfig, CoreModule } from '#monay/shared';

/** The job processors alone, without HTTP. Several workers may run at once; BullMQ gives each job to one. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config, { processors: true }), IdentityModule],
    };
  }
}
