import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { LedgerModule } from '#monay/ledger';
import { AppConfig, InjectRedis, OutboxRelay, type DomainEvent, type RedisClient } from '#monay/shared';
import type { RealtimeMessage } from './realtime-events';
import { RealtimeMessageBuilder } from './realtime-message-builder';
import { REALTIME_EVENT_TYPES } from './realtime-messages';
import { RealtimeGateway } from './realtime.gateway';

/** What a relaying worker sends the APIs for each batch it takes: each user's socket messages, and revoked sessions. */
interface FanOutMessage {
  /** Per user, in journal order. */
  messages: Array<[userId: string, messages: RealtimeMessage[]]>;
  revokedSessions: string[];
}

function channelOf(config: AppConfig): string {
  return `${config.redis?.prefix ?? 'monay'}:outbox:published`;
}

/**
 * In a worker that relays (`OUTBOX_RELAY=worker`): as soon as the relay takes a batch (its events are committed;
 * the consumers have yet to run), the batch's socket messages are built here (one balance read for all its users,
 * off the APIs and their busy pools) and go to every API process in one Redis message. The relay commits the batch
 * only after that message is sent, so a user's next events (taken by this worker or another) are sent after it:
 * journal order across workers. At least once (a batch that fails, or whose worker dies, is taken and sent again;
 * clients drop repeats by `eventId`), and at most once per attempt like the Socket.IO adapter itself: a client that
 * missed one catches up through `GET /api/realtime/missed`.
 */
@Injectable()
export class RealtimeFanOutPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RealtimeFanOut');
  /** The batches built and sent so far, one after the other. */
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: RedisClient,
    private readonly messages: RealtimeMessageBuilder,
    private readonly relay: OutboxRelay,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.outboxRelay !== 'worker' || !this.redis) return;
    this.relay.onTaken((events) => this.send(events.filter(relevant)));
  }

  /** Before the database and Redis close: what is being built is sent. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.sending;
  }

  /** `events` in journal order (as the relay takes them). */
  private send(events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
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
    return this.sending;
  }
}

function relevant(event: DomainEvent): boolean {
  return REALTIME_EVENT_TYPES.includes(event.type) || event.type === 'SessionRevoked';
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
