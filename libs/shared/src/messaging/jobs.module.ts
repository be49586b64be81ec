import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobBackend } from './job-backend';
import { JobQueue } from './job-queue';
import { JobWorkerHost } from './job-worker-host';
import { DeadLetters } from './dead-letters';

@Global()
@Module({})
export class JobsModule {
  /** `processors: true` also runs every `@OnJob` processor in this process. */
  static forRoot(options: { processors: boolean }): DynamicModule {
    return {
      module: JobsModule,
      imports: options.processors ? [DiscoveryModule] : [],
      providers: [JobBackend, JobQueue, DeadLetters, ...(options.processors ? [JobWorkerHost] : [])],
      exports: [JobQueue, JobBackend, DeadLetters],
    };
  }
}
