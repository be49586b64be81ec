import { AppConfig, PublishedEvent, type DomainEvent } from '#monay/shared';
import type { RealtimeMessage } from './realtime-events';
import type { RealtimeMessageBuilder } from './realtime-message-builder';
import type { RealtimeGateway } from './realtime.gateway';
import { RealtimePublisher } from './realtime.publisher';

const ALICE = 'alice';
const BOB = 'bob';

/** The publisher only routes events (the builder is faked here), so the payload is never read. */
function published(
  sequence: string,
  userIds: string[],
  type: 'FundsTransferred' | 'RecurringTransferUpcoming' = 'FundsTransferred',
): DomainEvent {
  const payload = {} as DomainEvent<typeof type>['payload'];
  return new PublishedEvent(
    `e${sequence}`,
    sequence,
    type,
    'agg',
    userIds,
    payload,
    new Date(),
  ) as DomainEvent;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RealtimePublisher', () => {
  let sent: Array<{ userId: string; eventId: string }>;
  let slowUsers: Set<string>;
  let publisher: RealtimePublisher;

  beforeEach(() => {
    sent = [];
    slowUsers = new Set();
    const gateway = {
      hasLocalSockets: () => true,
      send: (userId: string, message: RealtimeMessage) =>
        sent.push({ userId, eventId: 'eventId' in message.data ? message.data.eventId : '' }),
    } as unknown as RealtimeGateway;
    // Building reads the ledger: make it take a while, longer for "slow" users and for early events.
    const builder = {
      build: async (userId: string, [event]: PublishedEvent[]) => {
        await delay((slowUsers.has(userId) ? 30 : 0) + Math.max(0, 20 - Number(event.sequence)));
        return [{ event: 'transaction.updated', data: { eventId: event.eventId } }];
      },
    } as unknown as RealtimeMessageBuilder;
    publisher = new RealtimePublisher(gateway, builder, { redis: undefined } as AppConfig);
  });

  it('sends each user’s events in outbox sequence order, even when a batch was published out of order', async () => {
    for (const sequence of ['10', '11', '9']) publisher.handle(published(sequence, [ALICE, BOB]));
    await publisher.beforeApplicationShutdown();
    for (const user of [ALICE, BOB]) {
      expect(sent.filter((s) => s.userId === user).map((s) => s.eventId)).toEqual(['e9', 'e10', 'e11']);
    }
  });

  it('does not hold one user’s events behind another’s', async () => {
    slowUsers.add(ALICE);
    publisher.handle(published('1', [ALICE]));
    publisher.handle(published('2', [BOB]));
    await publisher.beforeApplicationShutdown();
    expect(sent.map((s) => s.userId)).toEqual([BOB, ALICE]);
  });

  it('ignores event types no client is sent, and everything once shutting down', async () => {
    publisher.handle(published('1', [ALICE], 'RecurringTransferUpcoming'));
    await publisher.beforeApplicationShutdown();
    publisher.handle(published('2', [ALICE]));
    await delay(5);
    expect(sent).toEqual([]);
  });
});
