import { SetMetadata } from '@nestjs/common';
import type { JobName } from './job-names';

export const ON_JOB = 'monay:on-job';

export interface OnJobOptions {
  name: JobName;
}

/** Marks a provider method as the processor of one job name (immich's `@OnJob`). */
export const OnJob = (name: JobName): MethodDecorator => SetMetadata(ON_JOB, { name } satisfies OnJobOptions);
