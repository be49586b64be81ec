import { Injectable, Logger, Optional } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DomainError } from '../kernel/domain-error';
import { JobBackend } from './job-backend';
import { DeadLetter, JobName, QueueName } from './job-names';
import { JobQueue } from './job-queue';
import { Metrics } from '../observability/metrics';

export class DeadLetterNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('No dead-lettered job with this id');
  }
}

export interface DeadLetterView extends DeadLetter {
  id: string;
}

/**
 * Jobs that failed every attempt (with backoff) land in the dead-letter queue, which nothing processes:
 * an admin lists them and re-drives one, which enqueues it afresh on its own queue.
 */
@Injectable()
export class DeadLetters {
  private readonly logger = new Logger('DeadLetters');

  constructor(
    private readonly backend: JobBackend,
    private readonly jobs: JobQueue,
    @Optional() metrics?: Metrics,
  ) {
    metrics?.gauge(
      'monay_dead_letter_jobs',
      'Jobs that failed every attempt, waiting for an admin',
      [],
      async () => {
        const counts = await this.backend
          .queue(QueueName.DeadLetter)
          .getJobCounts('waiting', 'delayed', 'prioritized');
        return [{ value: Object.values(counts).reduce((sum, n) => sum + n, 0) }];
      },
    );
  }

  async record(queue: string, job: Job, error: Error): Promise<void> {
    const letter: DeadLetter = {
      queue: queue as QueueName,
      name: job.name as JobName,
      jobId: job.id ?? '',
      payload: job.data,
      failedReason: error.message,
      attemptsMade: job.attemptsMade,
      failedAt: new Date().toISOString(),
    };
    try {
      // The id makes recording idempotent if the failure is reported twice.
      await this.backend.queue(QueueName.DeadLetter).add('dead-letter', letter, {
        jobId: `${queue}-${job.id ?? Date.now()}`,
        removeOnComplete: true,
        attempts: 1,
      });
      this.logger.error(
        `${queue}/${job.name} #${job.id} dead-lettered after ${job.attemptsMade} attempts: ${error.message}`,
      );
    } catch (recordError) {
      this.logger.error(`could not dead-letter ${queue}/${job.name} #${job.id}: ${String(recordError)}`);
    }
  }

  async list(limit = 100): Promise<DeadLetterView[]> {
    const jobs = (await this.backend
      .queue(QueueName.DeadLetter)
      .getJobs(['waiting', 'delayed', 'prioritized'], 0, limit - 1)) as Job[];
    return jobs
      .filter((job): job is Job & { id: string } => job?.id !== undefined)
      .map((job) => ({ id: job.id, ...(job.data as DeadLetter) }));
  }

  /** Enqueues the job again with fresh attempts and removes its dead letter. */
  async retry(id: string): Promise<{ requeuedAs: string; name: JobName }> {
    const queue = this.backend.queue(QueueName.DeadLetter);
    const job = (await queue.getJob(id)) as Job | undefined;
    if (!job) throw new DeadLetterNotFoundError();
    const letter = job.data as DeadLetter;
    const requeuedAs = await this.jobs.redrive(letter.name, letter.payload);
    await job.remove();
    return { requeuedAs, name: letter.name };
  }
}
