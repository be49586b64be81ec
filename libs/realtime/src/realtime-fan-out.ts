import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import type Redis from 'ioredis';
import { LedgerModule } from '#monay/ledger';
import {
  AppConfig,
  InjectRedis,
  OutboxRelay,
  PublishedEvent,
  type DomainEvent,
  type RedisClient,
} from '#monay/shared';
import type { RealtimeMessage } from './realtime-events';
import { RealtimeMessageBuilder } from './realtime-message-builder';
import { REALTIME_EVENT_TYPES } from './realtime-messages';
import { RealtimeGateway } from './realtime.gateway';
import { compareSequences } from './realtime.publisher';

/** What a relaying worker sends the APIs after a relay commit: each user's socket messages, and revoked sessions. */
interface FanOutMessage {
  /** Per user, in journal order. */
  messages: Array<[userId: string, messages: RealtimeMessage[]]>;
  revokedSessions: string[];
}

function channelOf(config: AppConfig): string {
  return `${config.redis?.prefix ?? 'monay'}:outbox:published`;
}

/** Events sent early and not yet seen published, at most (a bound: a batch that never commits leaves its ids). */
const EARLY_LIMIT = 100_000;

/**
 * In a worker that relays (`OUTBOX_RELAY=worker`): as soon as the relay takes a batch (its events are committed;
 * the consumers have yet to run), the batch's socket messages are built here (one balance read for all its users,
 * off the APIs and their busy pools) and go to every API process in one Redis message, batches in journal order.
 * Events the relay publishes without having told them taken (one at a time, after a failed batch) go once published.
 * At least once (a batch that fails is taken and sent again; clients drop repeats by `eventId`), and at most once
 * per attempt like the Socket.IO adapter itself: a client that missed one catches up through
 * `GET /api/realtime/missed`.
 */
@EventsHandler(PublishedEvent)
export class RealtimeFanOutPublisher
  implements IEventHandler<DomainEvent>, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('RealtimeFanOut');
  private pending: DomainEvent[] = [];
  /** The batches built and sent so far, one after the other (a user's messages keep journal order). */
  private sending: Promise<void> = Promise.resolve();
  /** Ids of events sent when taken, until their publication is announced. */
  private readonly sentEarly = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: RedisClient,
    private readonly messages: RealtimeMessageBuilder,
    private readonly relay: OutboxRelay,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.active()) return;
    this.relay.onTaken((events) => {
      for (const event of events) {
        if (!this.relevant(event)) continue;
        if (this.sentEarly.size >= EARLY_LIMIT) this.sentEarly.clear();
        this.sentEarly.add(event.eventId);
        this.add(event);
      }
    });
  }

  handle(event: DomainEvent): void {
    if (!this.active() || !this.relevant(event)) return;
    if (this.sentEarly.delete(event.eventId)) return;
    this.add(event);
  }

  private active(): boolean {
    return this.config.outboxRelay === 'worker' && !!this.redis;
  }

  private relevant(event: DomainEvent): boolean {
    return REALTIME_EVENT_TYPES.includes(event.type) || event.type === 'SessionRevoked';
  }

  /** The relay hands a batch over in one synchronous loop: one message per batch. */
  private add(event: DomainEvent): void {
    if (this.pending.push(event) === 1) queueMicrotask(() => this.flush());
  }

  /** Before the database and Redis close: what is built or being built is sent. */
  async beforeApplicationShutdown(): Promise<void> {
    this.flush();
    await this.sending;
  }

  private flush(): void {
    const events = this.pending.splice(0).sort((a, b) => compareSequences(a.sequence, b.sequence));
    if (events.length === 0) return;
    const recipients = new Map<string, DomainEvent[]>();
    const revokedSessions: string[] = [];
    for (const event of events) {
      if (event.type === 'SessionRevoked') {
        revokedSessions.push(event.payload.sessionId);
        continue;
      }
      for (const userId of new Set(event.userIds))
        recipients.set(userId, [...(recipients.get(userId) ?? []), event]);
    }
    const built = this.messages.buildFor(recipients);
    this.sending = this.sending
      .then(async () => {
        const message: FanOutMessage = { messages: [...(await built)], revokedSessions };
        await this.redis?.publish(channelOf(this.config), JSON.stringify(message));
      })
      .catch((error: Error) => this.logger.warn(`socket messages not sent to the APIs: ${error.message}`));
  }
}

/**
 * In an API process when the workers relay: takes what they send and hands each user's messages to this process's
 * sockets of that user (every API gets every message), and closes this process's sockets of revoked sessions.
 */
@Injectable()
export class RealtimeFanOutSubscriber implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RealtimeFanOut');
  private subscriber: Redis | undefined;

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: RedisClient,
    private readonly gateway: RealtimeGateway,
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

  private receive(text: string): void {
    let message: FanOutMessage;
    try {
      message = JSON.parse(text) as FanOutMessage;
    } catch {
      this.logger.warn('an unreadable fan-out message was dropped');
      return;
    }
    for (const [userId, messages] of message.messages) {
      if (!this.gateway.hasLocalSockets(userId)) continue;
      for (const each of messages) this.gateway.send(userId, each);
    }
    for (const sessionId of message.revokedSessions) this.gateway.closeSession(sessionId);
  }
}

/** What a worker needs to send the APIs the socket messages of what it relays (it has no sockets of its own). */
@Module({ imports: [LedgerModule], providers: [RealtimeFanOutPublisher, RealtimeMessageBuilder] })
export class RealtimeFanOutModule {}
