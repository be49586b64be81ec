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
  let builds: string[][];
  let publisher: RealtimePublisher;

  beforeEach(() => {
    sent = [];
    slowUsers = new Set();
    const gateway = {
      hasLocalSockets: () => true,
      send: (userId: string, message: RealtimeMessage) =>
        sent.push({ userId, eventId: 'eventId' in message.data ? message.data.eventId : '' }),
    } as unknown as RealtimeGateway;
    // Building reads the ledger: make it take a while, longer for batches with a "slow" user and early events.
    builds = [];
    const builder = {
      buildFor: async (recipients: Map<string, PublishedEvent[]>) => {
        builds.push([...recipients.keys()]);
        const events = [...recipients.values()].flat();
        const slow = [...recipients.keys()].some((userId) => slowUsers.has(userId));
        await delay((slow ? 30 : 0) + Math.max(0, 20 - Math.min(...events.map((e) => Number(e.sequence)))));
        return new Map(
          [...recipients].map(([userId, own]) => [
            userId,
            own.map((event) => ({ event: 'transaction.updated', data: { eventId: event.eventId } })),
          ]),
        );
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

  it('builds a batch’s messages in one call, and sends a later batch’s after each user’s earlier ones', async () => {
    slowUsers.add(ALICE);
    publisher.handle(published('1', [ALICE, BOB]));
    publisher.handle(published('2', [BOB]));
    await delay(1); // the next relay batch: built at once, quicker than the first
    publisher.handle(published('3', [ALICE, BOB]));
    await publisher.beforeApplicationShutdown();
    expect(builds).toEqual([
      [ALICE, BOB],
      [ALICE, BOB],
    ]);
    expect(sent.filter((s) => s.userId === ALICE).map((s) => s.eventId)).toEqual(['e1', 'e3']);
    expect(sent.filter((s) => s.userId === BOB).map((s) => s.eventId)).toEqual(['e1', 'e2', 'e3']);
  });

  it('ignores event types no client is sent, and everything once shutting down', async () => {
    publisher.handle(published('1', [ALICE], 'RecurringTransferUpcoming'));
    await publisher.beforeApplicationShutdown();
    publisher.handle(published('2', [ALICE]));
    await delay(5);
    expect(sent).toEqual([]);
  });
});
