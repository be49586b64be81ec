import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  createPostgresBackend,
  createRedisBackend,
  Queue,
  QueueOptions,
  Worker,
  WorkerOptions,
  type IQueueBackend,
  type Processor,
} from 'bullmq';

// Queues and workers of either backend; we only use the backend-neutral part of their API.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyQueue = Queue<any, any, string, any, any, string, IQueueBackend, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyWorker = Worker<any, any, string, IQueueBackend, any, any>;
import { AppConfig } from '../config/app-config';
import { DatabaseEndpoint } from '../database/database-endpoint';

/**
 * One job system in every mode (DESIGN.md, Jobs): BullMQ on Redis when `REDIS_URL` is set, else
 * BullMQ's PostgreSQL backend on the application database (schema `bullmq`).
 */
@Injectable()
export class JobBackend implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly queues = new Map<string, AnyQueue>();
  private readonly workers: AnyWorker[] = [];
  readonly kind: 'redis' | 'postgres';

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseEndpoint,
  ) {
    this.kind = config.redis ? 'redis' : 'postgres';
    if (this.kind === 'postgres') database.closeBeforeMe(() => this.close());
  }

  describe(): string {
    return this.kind === 'redis' ? 'BullMQ on Redis' : 'BullMQ on PostgreSQL (schema bullmq)';
  }

  queue(name: string): AnyQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = this.createQueue(name);
      queue.on('error', (error) => this.logger.warn(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  startWorker(name: string, processor: Processor, concurrency: number): AnyWorker {
    const worker = this.createWorker(name, processor, concurrency);
    worker.on('error', (error) => this.logger.warn(`worker ${name}: ${error.message}`));
    this.workers.push(worker);
    return worker;
  }

  /**
   * Stop taking jobs and let the running ones finish while every pool is still open: Nest runs these hooks before
   * any module's `onApplicationShutdown`, where TypeORM closes its pool (a job still running then failed with "Driver
   * not Connected" and was tried again after the restart).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.closeWorkers();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Stop taking jobs (waiting for running ones), then close the producers. Idempotent. */
  async close(): Promise<void> {
    await this.closeWorkers();
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    this.workers.length = 0;
    this.queues.clear();
  }

  /** Stop taking jobs, waiting for the running ones (closing a closed worker again is a no-op). */
  private async closeWorkers(): Promise<void> {
    await Promise.allSettled(this.workers.map((worker) => worker.close()));
  }

  private createQueue(name: string): AnyQueue {
    const defaults: QueueOptions['defaultJobOptions'] = {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 24 * 3600, count: 1_000 },
      removeOnFail: false,
    };
    if (this.config.redis) {
      return new Queue(
        name,
        {
          connection: { url: this.config.redis.url },
          prefix: this.config.redis.prefix,
          defaultJobOptions: defaults,
        },
        createRedisBackend,
      );
    }
    return new Queue(
      name,
      { connection: this.postgresConnection(), defaultJobOptions: defaults },
      createPostgresBackend,
    );
  }

  private createWorker(name: string, processor: Processor, concurrency: number): AnyWorker {
    const common: Omit<WorkerOptions, 'connection'> = { concurrency, autorun: true };
    if (this.config.redis) {
      return new Worker(
        name,
        processor,
        { ...common, connection: { url: this.config.redis.url }, prefix: this.config.redis.prefix },
        createRedisBackend,
      );
    }
    return new Worker(
      name,
      processor,
      { ...common, connection: this.postgresConnection() },
      createPostgresBackend,
    );
  }

  private postgresConnection() {
    return { connectionString: this.database.url, schema: 'bullmq', migrate: true, max: 2 };
  }
}
