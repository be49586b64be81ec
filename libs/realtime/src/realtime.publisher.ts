import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { AppConfig, PublishedEvent, type DomainEvent } from '#monay/shared';
import type { RealtimeMessage } from './realtime-events';
import { RealtimeMessageBuilder } from './realtime-message-builder';
import { REALTIME_EVENT_TYPES } from './realtime-messages';
import { RealtimeGateway } from './realtime.gateway';

/**
 * Sends committed domain events to their users' sockets. Fed by the outbox relay (its {@link PublishedEvent}s on
 * the EventBus, after the commit that marks them published), never by request handlers.
 *
 * Order: events are queued in outbox sequence order (see `flush`), and each user has a queue here, so a user's
 * messages leave in that order even though building them reads the ledger. Across processes every relay publishes its own share of the events, so a client
 * dedupes by `eventId` and catches up through `GET /api/realtime/missed`.
 */
@EventsHandler(PublishedEvent)
export class RealtimePublisher implements IEventHandler<DomainEvent>, BeforeApplicationShutdown {
  private readonly logger = new Logger('RealtimePublisher');
  private readonly queues = new Map<string, Promise<void>>();
  /** Events published in the current tick, not yet queued. */
  private arrived: DomainEvent[] = [];
  /**
   * With the Redis adapter, a user's sockets may be on another node: always send — unless the workers relay, when
   * every API is handed every event and sends to its own sockets only.
   */
  private readonly clustered: boolean;
  private closing = false;

  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly messages: RealtimeMessageBuilder,
    config: AppConfig,
  ) {
    this.clustered = config.redis !== undefined && config.outboxRelay !== 'worker';
  }

  handle(event: DomainEvent): void {
    if (this.closing || !REALTIME_EVENT_TYPES.includes(event.type)) return;
    if (this.arrived.push(event) === 1) queueMicrotask(() => this.flush());
  }

  /** Before the socket server and the database close: stop taking events, finish what is queued. */
  async beforeApplicationShutdown(): Promise<void> {
    this.flush();
    this.closing = true;
    await Promise.all(this.queues.values());
  }

  /**
   * The relay publishes a batch in one synchronous loop, so the events of a batch are all here when this runs;
   * they are taken by outbox sequence (as a number), so a user's messages keep commit order even if a batch were
   * ever handed over in another order. The batch's messages are built at once (one balance read for all its
   * users); each user's are sent after that user's earlier ones.
   */
  private flush(): void {
    const events = this.arrived.splice(0).sort((a, b) => compareSequences(a.sequence, b.sequence));
    const recipients = new Map<string, DomainEvent[]>();
    for (const event of events) {
      for (const userId of new Set(event.userIds)) {
        if (!this.clustered && !this.gateway.hasLocalSockets(userId)) continue;
        recipients.set(userId, [...(recipients.get(userId) ?? []), event]);
      }
    }
    if (recipients.size === 0) return;
    const built = this.messages.buildFor(recipients);
    for (const [userId, own] of recipients) this.enqueue(userId, own, built);
  }

  private enqueue(
    userId: string,
    events: DomainEvent[],
    built: Promise<Map<string, RealtimeMessage[]>>,
  ): void {
    const queued = (this.queues.get(userId) ?? Promise.resolve())
      .then(async () => {
        for (const message of (await built).get(userId) ?? []) this.gateway.send(userId, message);
      })
      .catch((error: unknown) =>
        this.logger.warn(
          { err: error, eventIds: events.map((event) => event.eventId), userId },
          'Realtime delivery failed',
        ),
      );
    this.queues.set(userId, queued);
    void queued.then(() => {
      if (this.queues.get(userId) === queued) this.queues.delete(userId);
    });
  }
}

/** Outbox sequences (bigint as text) in journal order. */
function compareSequences(a: string, b: string): number {
  const [x, y] = [BigInt(a), BigInt(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
