import type { EntityManager } from 'typeorm';
import { itRacesOnPostgres, openTestDataSource, specRelay, type TestDataSource } from '../testing';
import { defineEvents } from './domain-events';
import { EventConsumers, type EventConsumer } from './event-consumer';
import { OutboxWriter, type DomainEvent } from './outbox';
import type { OutboxRelay } from './outbox-relay';

interface LoopsTestEvents {
  LoopsTestHappened: { n: number };
}
defineEvents<LoopsTestEvents>('relay-loops-spec', { LoopsTestHappened: { version: 1 } });
declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends LoopsTestEvents {}
}

const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-000000000b0b';

/**
 * OUTBOX_RELAY_LOOPS: while one loop runs a batch's consumers, another takes what committed meanwhile and tells
 * its listeners (the sockets) at once; a user's later event still waits until the batch holding their earlier one
 * has committed. Two transactions at once: PostgreSQL only (the embedded database runs one at a time).
 */
describe('two relay loops: one takes while the other runs a batch, a user’s events stay in order', () => {
  let db: TestDataSource;
  let relay: OutboxRelay;
  const writer = new OutboxWriter();
  const published: DomainEvent[] = [];
  const told: number[] = [];
  let release: () => void = () => undefined;
  const stuck = new Promise<void>((resolve) => (release = resolve));

  const nOf = (event: DomainEvent) => (event.type === 'LoopsTestHappened' ? event.payload.n : -1);
  const write = (n: number, user: string) =>
    db.dataSource.transaction((tx: EntityManager) =>
      writer.append(tx, [{ type: 'LoopsTestHappened', aggregateId: `l${n}`, userIds: [user], payload: { n } }]),
    );
  const until = async (what: () => boolean, ms = 5_000) => {
    const deadline = Date.now() + ms;
    while (!what()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  beforeAll(async () => {
    db = await openTestDataSource([]);
    const consumers = new EventConsumers();
    // Event 1's batch does not commit until the spec lets it.
    const slow: EventConsumer<'LoopsTestHappened'> = {
      name: 'test.loops-slow',
      types: new Set(['LoopsTestHappened'] as const),
      apply: async (_tx, event) => {
        if (event.payload.n === 1) await stuck;
      },
    };
    consumers.register(slow);
    relay = specRelay(db.dataSource, consumers, published, { loops: 2 });
    relay.onTaken((events) => {
      told.push(...events.map(nOf));
    });
  });
  afterAll(async () => {
    release();
    await relay.beforeApplicationShutdown();
    await db.close();
  });

  itRacesOnPostgres('tells Bob’s event while Alice’s batch runs, and Alice’s next only after it', async () => {
    await write(1, ALICE);
    await relay.onApplicationBootstrap();
    relay.nudge();
    await until(() => told.includes(1));

    await write(2, BOB);
    await write(3, ALICE);
    relay.nudge();
    // The other loop takes Bob's event and its batch commits; Alice's waits behind her first.
    await until(() => published.some((event) => nOf(event) === 2));
    expect(told).toEqual([1, 2]);
    expect(published.map(nOf)).toEqual([2]);

    release();
    await until(() => published.length === 3);
    expect(published.map(nOf)).toEqual([2, 1, 3]);
    expect(told).toEqual([1, 2, 3]);
  });
});
