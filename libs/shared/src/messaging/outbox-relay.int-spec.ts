import { openTestDataSource, specRelay, type TestDataSource } from '../testing';
import { defineEvents } from './domain-events';
import { EventConsumers, type EventConsumer } from './event-consumer';
import { OutboxWriter, type DomainEvent } from './outbox';

/** Two events of this spec's own, in the catalogue like any context's. */
interface RelayTestEvents {
  RelayTestCounted: { n: number };
  RelayTestIgnored: { n: number };
}
defineEvents<RelayTestEvents>('relay-spec', {
  RelayTestCounted: { version: 1 },
  RelayTestIgnored: { version: 1 },
});
declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends RelayTestEvents {}
}
import type { OutboxRelay } from './outbox-relay';

describe('outbox relay publishes in commit order, exactly once per consumer', () => {
  let db: TestDataSource;
  const published: DomainEvent[] = [];
  const applied: string[] = [];
  /** What a batch-taking consumer received: one array per call. */
  const batches: string[][] = [];
  let relay: OutboxRelay;
  let consumers: EventConsumers;

  beforeAll(async () => {
    db = await openTestDataSource([]);
    consumers = new EventConsumers();
    const consumer: EventConsumer<'RelayTestCounted'> = {
      name: 'test.counter',
      types: new Set(['RelayTestCounted'] as const),
      apply: async (_tx, event) => {
        applied.push(event.sequence);
      },
    };
    consumers.register(consumer);
    const batched: EventConsumer<'RelayTestCounted' | 'RelayTestIgnored'> = {
      name: 'test.batches',
      types: new Set(['RelayTestCounted', 'RelayTestIgnored'] as const),
      apply: () => Promise.reject(new Error('a consumer with applyAll gets batches')),
      applyAll: async (_tx, events) => {
        batches.push(events.map((event) => event.sequence));
      },
    };
    consumers.register(batched);
    relay = specRelay(db.dataSource, consumers, published);
    const writer = new OutboxWriter();
    // 450 events in 9 transactions: more than two relay batches, sequences past 9, 99 and 199.
    for (let chunk = 0; chunk < 9; chunk += 1) {
      await db.dataSource.transaction((tx) =>
        writer.append(
          tx,
          Array.from({ length: 50 }, (_, i) => ({
            type: i % 5 === 0 ? ('RelayTestIgnored' as const) : ('RelayTestCounted' as const),
            aggregateId: `a${chunk}-${i}`,
            userIds: [],
            payload: { n: chunk * 50 + i },
          })),
        ),
      );
    }
  });
  afterAll(() => db.close());

  const ascending = (sequences: string[]) =>
    sequences.every((s, i) => i === 0 || BigInt(sequences[i - 1]) < BigInt(s));

  it('publishes every event once, in sequence order, and applies consumers only to theirs', async () => {
    expect(await relay.drain()).toBe(450);
    expect(
      published.map((e) =>
        e.type === 'RelayTestCounted' || e.type === 'RelayTestIgnored' ? e.payload.n : -1,
      ),
    ).toEqual(Array.from({ length: 450 }, (_, i) => i));
    expect(ascending(published.map((e) => e.sequence))).toBe(true);
    expect(applied).toHaveLength(360);
    // The batch-taking consumer got every event once, a relay batch per call, in order.
    expect(batches.map((b) => b.length)).toEqual([200, 200, 50]);
    expect(batches.flat()).toEqual(published.map((e) => e.sequence));
    expect(await relay.drain()).toBe(0);
    expect(batches).toHaveLength(3);
  });

  it('replays the whole journal in order for a rebuild, without skipping past a page', async () => {
    applied.length = 0;
    await db.dataSource.transaction(async (tx) => {
      await tx.query(`DELETE FROM processed_events WHERE consumer IN ('test.counter', 'test.batches')`);
      batches.length = 0;
      expect(await relay.replay(tx, [...consumers.all()])).toBe(450);
    });
    expect(applied).toHaveLength(360);
    expect(ascending(applied)).toBe(true);
    expect(batches.map((b) => b.length)).toEqual([200, 200, 50]);
    expect(ascending(batches.flat())).toBe(true);
  });
});
