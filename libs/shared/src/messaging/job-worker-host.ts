import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Job } from 'bullmq';
import { DeadLetters } from './dead-letters';
import { JobBackend } from './job-backend';
import { JobName, QueueName, queueOfJob } from './job-names';
import { ON_JOB, OnJobOptions } from './on-job.decorator';

type Handler = (payload: unknown, job: Job) => Promise<unknown>;

/**
 * Runs the processors: finds every `@OnJob` method and starts one BullMQ worker per queue that
 * dispatches by job name. Present in apps/worker, and in apps/api when jobs run in process.
 */
@Injectable()
export class JobWorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly backend: JobBackend,
    private readonly deadLetters: DeadLetters,
  ) {}

  onApplicationBootstrap(): void {
    const handlers = this.discoverHandlers();
    const byQueue = new Map<QueueName, Map<JobName, Handler>>();
    for (const [name, handler] of handlers) {
      const queue = queueOfJob[name];
      const table = byQueue.get(queue) ?? new Map<JobName, Handler>();
      table.set(name, handler);
      byQueue.set(queue, table);
    }
    for (const [queue, table] of byQueue) {
      const worker = this.backend.startWorker(
        queue,
        async (job) => {
          const handler = table.get(job.name as JobName);
          if (!handler) throw new Error(`No processor for job ${job.name} on queue ${queue}`);
          return handler(job.data, job);
        },
        4,
      );
      worker.on('failed', (job: Job | undefined, error: Error) => {
        if (!job) return;
        const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1);
        this.logger.warn(
          `${queue}/${job.name} #${job.id} failed (attempt ${job.attemptsMade}): ${error.message}`,
        );
        if (exhausted) void this.deadLetters.record(queue, job, error);
      });
      this.logger.log(`Processing queue ${queue}: ${[...table.keys()].join(', ')}`);
    }
  }

  private discoverHandlers(): Map<JobName, Handler> {
    const handlers = new Map<JobName, Handler>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const options = this.reflector.get<OnJobOptions | undefined>(ON_JOB, fn);
        if (!options) continue;
        if (handlers.has(options.name)) throw new Error(`Two processors for job ${options.name}`);
        handlers.set(options.name, (payload, job) => fn.call(instance, payload, job) as Promise<unknown>);
      }
    }
    return handlers;
  }
}
