import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import type Redis from 'ioredis';
import {
  AppConfig,
  InjectRedis,
  PublishedEvent,
  type DomainEvent,
  type DomainEventName,
  type RedisClient,
} from '#monay/shared';
import { REALTIME_EVENT_TYPES } from './realtime-messages';
import { RealtimePublisher } from './realtime.publisher';
import { SessionRevocationListener } from './session-revocation.listener';

/** What the relaying workers send the APIs: the events that reach sockets, and session revocations. */
const FANNED_OUT: ReadonlySet<string> = new Set<DomainEventName>([...REALTIME_EVENT_TYPES, 'SessionRevoked']);

interface WireEvent {
  eventId: string;
  sequence: string;
  type: DomainEventName;
  aggregateId: string;
  userIds: string[];
  payload: DomainEvent['payload'];
  occurredAt: string;
}

function channelOf(config: AppConfig): string {
  return `${config.redis?.prefix ?? 'monay'}:outbox:published`;
}

/**
 * In a worker that relays (`OUTBOX_RELAY=worker`): after each commit of the relay, the batch's events that reach
 * sockets go to every API process in one Redis message. At most once, like the Socket.IO adapter itself: a client
 * that missed one catches up through `GET /api/realtime/missed`.
 */
@EventsHandler(PublishedEvent)
export class RealtimeFanOutPublisher implements IEventHandler<DomainEvent> {
  private readonly logger = new Logger('RealtimeFanOut');
  private pending: DomainEvent[] = [];

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: RedisClient,
  ) {}

  handle(event: DomainEvent): void {
    if (this.config.outboxRelay !== 'worker' || !FANNED_OUT.has(event.type)) return;
    // The relay announces a batch in one synchronous loop: one message per batch.
    if (this.pending.push(event) === 1) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    const events = this.pending.splice(0);
    const wire: WireEvent[] = events.map((event) => ({
      eventId: event.eventId,
      sequence: event.sequence,
      type: event.type,
      aggregateId: event.aggregateId,
      userIds: event.userIds,
      payload: event.payload,
      occurredAt: event.occurredAt.toISOString(),
    }));
    this.redis
      ?.publish(channelOf(this.config), JSON.stringify(wire))
      .catch((error: Error) => this.logger.warn(`events not sent to the APIs: ${error.message}`));
  }
}

/**
 * In an API process when the workers relay: takes what they send and hands it to this process's sockets (the
 * publisher and the revocation listener then act on local sockets only: every API gets every event).
 */
@Injectable()
export class RealtimeFanOutSubscriber implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RealtimeFanOut');
  private subscriber: Redis | undefined;

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: RedisClient,
    private readonly publisher: RealtimePublisher,
    private readonly revocations: SessionRevocationListener,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.outboxRelay !== 'worker' || !this.redis) return;
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => this.logger.warn(error.message));
    subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    await subscriber.subscribe(channelOf(this.config));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  private receive(message: string): void {
    let wire: WireEvent[];
    try {
      wire = JSON.parse(message) as WireEvent[];
    } catch {
      this.logger.warn('an unreadable fan-out message was dropped');
      return;
    }
    for (const item of wire) {
      const event = new PublishedEvent(
        item.eventId,
        item.sequence,
        item.type,
        item.aggregateId,
        item.userIds,
        item.payload,
        new Date(item.occurredAt),
      ) as DomainEvent;
      this.publisher.handle(event);
      this.revocations.handle(event);
    }
  }
}

/** What a worker needs to send the APIs what it relays (it has no sockets of its own). */
@Module({ providers: [RealtimeFanOutPublisher] })
export class RealtimeFanOutModule {}
