import { Injectable } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { JobBackend } from './job-backend';
import { JobName, JobPayloads, queueOfJob } from './job-names';

/** The one place that enqueues. Producers name a job and give its typed payload. */
@Injectable()
export class JobQueue {
  constructor(private readonly backend: JobBackend) {}

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: JobsOptions): Promise<string> {
    const job = await this.backend.queue(queueOfJob[name]).add(name, payload, options);
    return job.id ?? '';
  }

  /**
   * Enqueues a dead letter's job again: its data was typed by {@link enqueue} when the job was first made, and has
   * only been kept since.
   */
  async redrive(name: JobName, data: unknown): Promise<string> {
    const job = await this.backend.queue(queueOfJob[name]).add(name, data);
    return job.id ?? '';
  }

  /**
   * Runs `name` on a cron pattern (UTC) or every `everyMs`. Idempotent: re-declaring a schedule at every start-up
   * updates it instead of adding a second one.
   */
  async schedule<N extends JobName>(
    name: N,
    when: string | { everyMs: number },
    payload: JobPayloads[N],
  ): Promise<void> {
    const repeat = typeof when === 'string' ? { pattern: when, tz: 'UTC' } : { every: when.everyMs };
    await this.backend.queue(queueOfJob[name]).upsertJobScheduler(name, repeat, { name, data: payload });
  }
}
