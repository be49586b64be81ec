import type { EventBus } from '@nestjs/cqrs';
import type { AppConfig } from '../config/app-config';
import { openTestDataSource, type TestDataSource } from '../testing';
import { defineEvents } from './domain-events';
import { EventConsumers, type EventConsumer } from './event-consumer';
import { OutboxWriter, type DomainEvent } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { EventStillFailsError, ParkedEvents } from './parked-events';

interface ParkingTestEvents {
  ParkingTestHappened: { n: number };
}
defineEvents<ParkingTestEvents>('parking-spec', { ParkingTestHappened: { version: 1 } });
declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends ParkingTestEvents {}
}

/**
 * A projection that cannot take one event (a bug, a constraint it breaks) must not stop the journal for every
 * other consumer: the relay isolates the event, retries that consumer with a backoff, then parks the event for it
 * alone; the other consumers, and the events behind it, go on in order.
 */
describe('a consumer failing on one event: retried, then parked for it alone, the journal goes on', () => {
  let db: TestDataSource;
  let relay: OutboxRelay;
  let parked: ParkedEvents;
  const published: number[] = [];
  const other: number[] = [];
  /** n = 2 fails twice, then succeeds; n = 5 fails until `fixed`. */
  let transientFailures = 2;
  let fixed = false;

  const projected = async () =>
    (
      (await db.dataSource.query(`SELECT n FROM parking_projection ORDER BY position`)) as Array<{
        n: number;
      }>
    ).map((row) => row.n);

  beforeAll(async () => {
    db = await openTestDataSource([]);
    await db.dataSource.query(
      `CREATE TABLE parking_projection (position serial PRIMARY KEY, n int NOT NULL)`,
    );
    const consumers = new EventConsumers();
    const projection: EventConsumer<'ParkingTestHappened'> = {
      name: 'test.projection',
      types: new Set(['ParkingTestHappened'] as const),
      apply: async (tx, event) => {
        // Written first, then refused: the savepoint must take the write back with the failure.
        await tx.query(`INSERT INTO parking_projection (n) VALUES ($1)`, [event.payload.n]);
        if (event.payload.n === 2 && transientFailures > 0) {
          transientFailures -= 1;
          throw new Error('deadlock detected (a transient failure)');
        }
        if (event.payload.n === 5 && !fixed) throw new Error('violates check constraint (a poison event)');
      },
    };
    consumers.register(projection);
    const bystander: EventConsumer<'ParkingTestHappened'> = {
      name: 'test.bystander',
      types: new Set(['ParkingTestHappened'] as const),
      apply: async (_tx, event) => {
        other.push(event.payload.n);
      },
    };
    consumers.register(bystander);
    const eventBus = {
      publish: (event: DomainEvent) => {
        if (event.type === 'ParkingTestHappened') published.push(event.payload.n);
      },
    } as unknown as EventBus;
    const config = { eventConsumers: { attempts: 3, backoffMs: 20 } } as AppConfig;
    parked = new ParkedEvents(db.dataSource, consumers, config);
    relay = new OutboxRelay(db.dataSource, consumers, eventBus, false, parked);
    await db.dataSource.transaction((tx) =>
      new OutboxWriter().append(
        tx,
        Array.from({ length: 10 }, (_, n) => ({
          type: 'ParkingTestHappened' as const,
          aggregateId: `p${n}`,
          userIds: [],
          payload: { n },
        })),
      ),
    );
  });
  afterAll(() => db.close());

  it('publishes every event in order; the failing consumer gets the transient one once and parks the poison one', async () => {
    await relay.drain(20_000);
    expect(published).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(other).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // In order, 2 once (its failed attempts' writes rolled back), 5 not at all.
    expect(await projected()).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9]);
    expect(transientFailures).toBe(0);

    const list = await parked.list();
    expect(list).toEqual([
      expect.objectContaining({
        consumer: 'test.projection',
        eventType: 'ParkingTestHappened',
        attempts: 3,
        lastError: 'violates check constraint (a poison event)',
      }),
    ]);
    const [{ open }] = (await db.dataSource.query(
      `SELECT count(*)::int AS open FROM event_consumer_failures WHERE resolved_at IS NULL`,
    )) as Array<{ open: number }>;
    expect(open).toBe(1); // the transient failure is resolved, only the parked one is open
    expect(await relay.drain()).toBe(0);
  });

  it('re-drives a parked event: refused while it still fails, applied once after the fix', async () => {
    const [event] = await parked.list();
    await expect(parked.retry(event.id)).rejects.toBeInstanceOf(EventStillFailsError);
    expect(await projected()).not.toContain(5);
    expect(await parked.list()).toHaveLength(1);

    fixed = true;
    await expect(parked.retry(event.id)).resolves.toMatchObject({ id: event.id });
    expect(await projected()).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 5]);
    expect(await parked.list()).toEqual([]);
    await expect(parked.retry(event.id)).rejects.toThrow('No parked event with this id');
  });
});
