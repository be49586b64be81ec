import {
  PublishedEvent,
  type AppConfig,
  type DomainEvent,
  type OutboxRelay,
  type RedisClient,
  type TakenListener,
} from '#monay/shared';
import type { RealtimeMessageBuilder } from './realtime-message-builder';
import { RealtimeFanOutPublisher } from './realtime-fan-out';

/** The publisher only routes events (the builder is faked here), so the payload is never read. */
function event(sequence: string, userIds: string[]): DomainEvent {
  const payload = {} as DomainEvent<'FundsTransferred'>['payload'];
  return new PublishedEvent(
    `e${sequence}`,
    sequence,
    'FundsTransferred',
    'agg',
    userIds,
    payload,
    new Date(),
  ) as DomainEvent;
}

describe('RealtimeFanOutPublisher (OUTBOX_RELAY=worker)', () => {
  let sent: string[][];
  let taken: TakenListener | undefined;
  let publisher: RealtimeFanOutPublisher;

  beforeEach(() => {
    sent = [];
    taken = undefined;
    const redis = {
      publish: async (_channel: string, text: string) => {
        const message = JSON.parse(text) as {
          messages: Array<[string, Array<{ data: { eventId: string } }>]>;
        };
        sent.push(message.messages.flatMap(([, messages]) => messages.map((m) => m.data.eventId)));
        return 1;
      },
    } as unknown as RedisClient;
    const builder = {
      buildFor: async (recipients: Map<string, DomainEvent[]>) =>
        new Map(
          [...recipients].map(([userId, own]) => [
            userId,
            own.map((e) => ({ data: { eventId: e.eventId } })),
          ]),
        ),
    } as unknown as RealtimeMessageBuilder;
    const relay = { onTaken: (listener: typeof taken) => (taken = listener) } as unknown as OutboxRelay;
    const config = { outboxRelay: 'worker', redis: { prefix: 'test' } } as AppConfig;
    publisher = new RealtimeFanOutPublisher(config, redis, builder, relay);
    publisher.onApplicationBootstrap();
  });

  it('sends a batch when the relay takes it, its events in journal order, and settles once sent', async () => {
    await taken?.([event('1', ['alice']), event('2', ['bob', 'alice'])]);
    expect(sent).toEqual([['e1', 'e2', 'e2']]);
  });

  it('sends a batch taken again after it failed once more (at least once)', async () => {
    const batch = [event('4', ['alice'])];
    await taken?.(batch);
    await taken?.(batch);
    expect(sent).toEqual([['e4'], ['e4']]);
  });

  it('sends nothing for a batch without a socket event', async () => {
    await taken?.([
      new PublishedEvent(
        'e5',
        '5',
        'SecurityEventRecorded',
        'agg',
        ['alice'],
        {} as never,
        new Date(),
      ) as DomainEvent,
    ]);
    expect(sent).toEqual([]);
  });
});
