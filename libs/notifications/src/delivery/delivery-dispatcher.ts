import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { AppConfig, Clock, DueWork, JobName, JobQueue, type DueWorkSweeper } from '#monay/shared';
import { DeliveriesRepository } from './deliveries.repository';

const BATCH = 100;

/**
 * Hands due deliveries to the job queue: one job per batch of up to 100 deliveries (a delivery is a notification
 * through one channel) for their first attempts; a delivery to retry then gets a job of its own
 * (DeliverNotificationProcessor). It looks right after the relay publishes a NotificationCreated (the
 * deliveries were committed with it), every NOTIFICATION_DISPATCH_INTERVAL_MS (deliveries whose quiet hours
 * ended, and any job lost between the hand-over and the queue), and when the sandbox clock is advanced.
 */
@Injectable()
export class DeliveryDispatcher
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, DueWorkSweeper
{
  readonly name = 'notifications.deliveries';
  private readonly logger = new Logger('DeliveryDispatcher');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly dueWork: DueWork,
  ) {}

  onModuleInit(): void {
    this.dueWork.register(this);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.notifications.dispatchIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => 0);
  }

  /** Look now; a look already under way looks once more when it ends. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.dispatch(this.clock.now())
      .catch((error: Error) => {
        if (!this.stopped) this.logger.warn(`dispatch: ${error.message}`);
        return 0;
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  sweep(now: Date): Promise<number> {
    return this.dispatch(now);
  }

  /** Enqueues every delivery due at `now`; returns how many. */
  async dispatch(now: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.deliveries.takeDue(now, BATCH);
      if (ids.length > 0) {
        // Their first attempts together; takeDue hands each delivery over once, so the job needs no dedupe id.
        await this.jobs.enqueue(
          JobName.DeliverNotifications,
          { deliveryIds: ids },
          {
            attempts: this.config.notifications.deliveryAttempts,
            backoff: { type: 'exponential', delay: this.config.notifications.retryBaseMs },
          },
        );
      }
      total += ids.length;
      if (ids.length < BATCH) return total;
    }
  }
}
