import type { DataSource, EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { itRacesOnPostgres, openTestDataSource, specRelay, type TestDataSource } from '../testing';
import { defineEvents } from './domain-events';
import { EventConsumers } from './event-consumer';
import { OutboxWriter, type DomainEvent } from './outbox';
import { OutboxHorizon } from './outbox-horizon';
import type { OutboxRelay } from './outbox-relay';

interface HorizonTestEvents {
  HorizonTestHappened: { n: number };
}
defineEvents<HorizonTestEvents>('horizon-spec', { HorizonTestHappened: { version: 1 } });
declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends HorizonTestEvents {}
}

describe('the relay takes no event past an earlier one that may still commit', () => {
  let db: TestDataSource;
  const writer = new OutboxWriter();
  const published: DomainEvent[] = [];
  let relay: OutboxRelay;

  const write = (tx: EntityManager, n: number) =>
    writer.append(tx, [{ type: 'HorizonTestHappened', aggregateId: `h${n}`, userIds: [], payload: { n } }]);
  const sequenceOf = async (n: number): Promise<bigint> => {
    const [row] = (await db.dataSource.query(`SELECT sequence::text FROM outbox WHERE aggregate_id = $1`, [
      `h${n}`,
    ])) as Array<{ sequence: string }>;
    return BigInt(row.sequence);
  };
  const publishedNs = () =>
    published.map((event) => (event.type === 'HorizonTestHappened' ? event.payload.n : -1));

  beforeAll(async () => {
    db = await openTestDataSource([]);
    relay = specRelay(db.dataSource, new EventConsumers(), published);
  });
  afterAll(() => db.close());

  it('an event written first in its transaction takes its sequence after the transaction has its xid', async () => {
    // The sequence's default, wrapped to note (in a transaction-local setting: writing a row would itself take an xid)
    // whether the transaction had an xid when the sequence was drawn. A reader's snapshot lists a transaction with
    // an xid as in progress; one without looks ended, and a gap at its sequence would be passed.
    await db.dataSource.query(
      `CREATE FUNCTION spec_outbox_nextval() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
       BEGIN
         PERFORM set_config('spec.xid_at_draw', coalesce(pg_current_xact_id_if_assigned()::text, 'none'), true);
         RETURN nextval(pg_get_serial_sequence('outbox', 'sequence'));
       END $$`,
    );
    const [{ original }] = (await db.dataSource.query(
      `SELECT pg_get_expr(d.adbin, d.adrelid) AS original FROM pg_attrdef d
         JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        WHERE d.adrelid = 'outbox'::regclass AND a.attname = 'sequence'`,
    )) as Array<{ original: string }>;
    await db.dataSource.query(`ALTER TABLE outbox ALTER COLUMN sequence SET DEFAULT spec_outbox_nextval()`);
    try {
      const noted = await db.dataSource.transaction(async (tx) => {
        await write(tx, 100);
        const [row] = (await tx.query(
          `SELECT current_setting('spec.xid_at_draw') AS at_draw, pg_current_xact_id()::text AS xid`,
        )) as Array<{ at_draw: string; xid: string }>;
        return row;
      });
      expect(noted.at_draw).toBe(noted.xid);
    } finally {
      await db.dataSource.query(`ALTER TABLE outbox ALTER COLUMN sequence SET DEFAULT ${original}`);
      await db.dataSource.query(`DROP FUNCTION spec_outbox_nextval()`);
      await db.dataSource.query(`UPDATE outbox SET published_at = now() WHERE aggregate_id = 'h100'`);
    }
  });

  it('passes a sequence whose transaction rolled back as soon as nothing older runs', async () => {
    const horizon = new OutboxHorizon(db.dataSource);
    await db.dataSource.transaction((tx) => write(tx, 1));
    await expect(
      db.dataSource.transaction(async (tx) => {
        await write(tx, 2);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await db.dataSource.transaction((tx) => write(tx, 3));
    // Passed at once when no transaction runs on the server, else once those running now have ended.
    expect((await horizon.look()).anyUnpublished).toBe(true);
    expect(await relay.drain()).toBe(2);
    expect(publishedNs()).toEqual([1, 3]);
    expect(await horizon.look()).toMatchObject({ anyUnpublished: false, below: null });
  });

  itRacesOnPostgres(
    'holds a later event back while an earlier one is in flight, then publishes both in order',
    async () => {
      published.length = 0;
      const horizon = new OutboxHorizon(db.dataSource);
      const inFlight = db.dataSource.createQueryRunner();
      await inFlight.connect();
      await inFlight.startTransaction();
      try {
        await write(inFlight.manager, 4);
        await db.dataSource.transaction((tx) => write(tx, 5));
        const [{ sequence: earlier }] = (await inFlight.query(
          `SELECT sequence::text FROM outbox WHERE aggregate_id = 'h4'`,
        )) as Array<{ sequence: string }>;
        expect(BigInt(earlier)).toBeLessThan(await sequenceOf(5));
        // Event 5 is committed and visible; 4 drew the earlier sequence and has not committed.
        expect(await horizon.look()).toMatchObject({ anyUnpublished: true, below: BigInt(earlier) });
        await expect(relay.drain(300)).rejects.toThrow('still unpublished');
        expect(publishedNs()).toEqual([]);
        await inFlight.commitTransaction();
        expect(await relay.drain()).toBe(2);
        expect(publishedNs()).toEqual([4, 5]);
      } finally {
        if (inFlight.isTransactionActive) await inFlight.rollbackTransaction();
        await inFlight.release();
      }
    },
  );

  itRacesOnPostgres(
    'holds a later event back while the earlier one is in a transaction that took its xid after the later one’s',
    async () => {
      // A (the later event's transaction) takes its xid first; T takes its own, draws the earlier sequence and runs
      // on; A draws the later one and commits. A snapshot's xmax is now T's xid (one past the newest completed, A):
      // T is neither in the xip list nor below xmax, and xmin is not lowered by it, so a horizon that took a gap for
      // ended once xmin passed the xmax of the look that first saw it passed 10 at the second look.
      published.length = 0;
      const horizon = new OutboxHorizon(db.dataSource);
      const later = db.dataSource.createQueryRunner();
      const inFlight = db.dataSource.createQueryRunner();
      await Promise.all([later.connect(), inFlight.connect()]);
      try {
        await later.startTransaction();
        await later.query('SELECT pg_current_xact_id()');
        await inFlight.startTransaction();
        await write(inFlight.manager, 10);
        await write(later.manager, 11);
        await later.commitTransaction();
        const [{ sequence: earlier }] = (await inFlight.query(
          `SELECT sequence::text FROM outbox WHERE aggregate_id = 'h10'`,
        )) as Array<{ sequence: string }>;
        for (let look = 0; look < 3; look++) {
          expect(await horizon.look()).toMatchObject({
            below: BigInt(earlier),
            through: BigInt(earlier) - 1n,
          });
        }
        await expect(relay.drain(300)).rejects.toThrow('still unpublished');
        await inFlight.commitTransaction();
        expect(await relay.drain()).toBe(2);
        expect(publishedNs()).toEqual([10, 11]);
      } finally {
        for (const runner of [later, inFlight]) {
          if (runner.isTransactionActive) await runner.rollbackTransaction();
          await runner.release();
        }
      }
    },
  );

  /** A relay whose one consumer runs `onEvent` for each HorizonTestHappened it is given. */
  const relayWith = (onEvent: (tx: EntityManager, n: number) => Promise<void>) => {
    const consumers = new EventConsumers();
    consumers.register<'HorizonTestHappened'>({
      name: 'horizon-spec.writer',
      types: new Set(['HorizonTestHappened'] as const),
      apply: (tx, event) => onEvent(tx, event.payload.n),
    });
    return specRelay(db.dataSource, consumers, published);
  };

  itRacesOnPostgres(
    'the events a batch’s consumers write hold back nothing committed while the batch runs (drawn at its end)',
    async () => {
      published.length = 0;
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let reached = () => {};
      const inBatch = new Promise<void>((resolve) => (reached = resolve));
      const busy = relayWith(async (tx, n) => {
        if (n !== 20) return;
        await write(tx, 21);
        reached();
        await gate;
      });
      await db.dataSource.transaction((tx) => write(tx, 20));
      const batch = busy.drain();
      try {
        await inBatch;
        await db.dataSource.transaction((tx) => write(tx, 22));
        // A reader of committed events (the realtime announcer's horizon) may take 22 at once: had 21 drawn its
        // sequence when the consumer wrote it, 22 would wait for the batch's commit.
        expect((await new OutboxHorizon(db.dataSource).look()).through).toBeGreaterThanOrEqual(
          await sequenceOf(22),
        );
      } finally {
        release();
        await batch;
      }
      expect(await sequenceOf(21)).toBeGreaterThan(await sequenceOf(22));
      expect(publishedNs()).toEqual([20, 22, 21]);
    },
  );

  it('a consumer’s events are written with the batch, less those of a savepoint it rolled back', async () => {
    published.length = 0;
    const uow = new UnitOfWork(db.dataSource);
    const writing = relayWith(async (tx, n) => {
      if (n !== 30) return;
      await write(tx, 31);
      await uow
        .savepoint(tx, async (inner) => {
          await write(inner, 32);
          throw new Error('undone');
        })
        .catch(() => undefined);
      await write(tx, 33);
    });
    await db.dataSource.transaction((tx) => write(tx, 30));
    expect(await writing.drain()).toBe(3);
    expect(publishedNs()).toEqual([30, 31, 33]);
    const [{ count }] = (await db.dataSource.query(
      `SELECT count(*)::int AS count FROM outbox WHERE aggregate_id = 'h32'`,
    )) as Array<{ count: number }>;
    expect(count).toBe(0);
  });

  itRacesOnPostgres(
    'a relay started while an event below the newest published one is in flight publishes it once it commits',
    async () => {
      published.length = 0;
      const inFlight = db.dataSource.createQueryRunner();
      await inFlight.connect();
      await inFlight.startTransaction();
      try {
        await write(inFlight.manager, 6);
        await db.dataSource.transaction((tx) => write(tx, 7));
        // Another relay passed the gap (after its timeout) and published 7 before this one started.
        await db.dataSource.query(`UPDATE outbox SET published_at = now() WHERE aggregate_id = 'h7'`);
        expect(await sequenceOf(7)).toBeGreaterThan(
          BigInt(
            (
              (await inFlight.query(`SELECT sequence::text FROM outbox WHERE aggregate_id = 'h6'`)) as Array<{
                sequence: string;
              }>
            )[0].sequence,
          ),
        );
        const started = specRelay(db.dataSource, new EventConsumers(), published);
        // Many looks while 6 is in flight: none may raise the floor past it.
        for (let i = 0; i < 5; i++) await started.drain(50).catch(() => 0);
        expect(publishedNs()).toEqual([]);
        await inFlight.commitTransaction();
        expect(await started.drain()).toBe(1);
        expect(publishedNs()).toEqual([6]);
      } finally {
        if (inFlight.isTransactionActive) await inFlight.rollbackTransaction();
        await inFlight.release();
      }
    },
  );
});

describe('the horizon’s look on a large outbox', () => {
  let db: TestDataSource;
  beforeAll(async () => {
    db = await openTestDataSource([]);
    // A journal of 20,000 published events, its statistics current: the planner's estimates for a look past the
    // newest sequence are then far below those of a plan made without the values.
    await db.dataSource.query(
      `INSERT INTO outbox (event_id, type, aggregate_id, payload, published_at)
       SELECT gen_random_uuid(), 'HorizonTestHappened', 'bulk', '{"n": 0}', now() FROM generate_series(1, 20000)`,
    );
    await db.dataSource.query('ANALYZE outbox');
  });
  afterAll(() => db.close());

  it('is planned once, not on every call (its parameters are out of the planner’s sight)', async () => {
    // One connection, so that its prepared statements are the ones counted (pg_prepared_statements is per session).
    const runner = db.dataSource.createQueryRunner();
    try {
      const horizon = new OutboxHorizon({
        query: (sql: string, parameters?: unknown[]) => runner.query(sql, parameters),
      } as unknown as DataSource);
      const [{ newest }] = (await runner.query(`SELECT max(sequence)::text AS newest FROM outbox`)) as Array<{
        newest: string;
      }>;
      for (let look = 0; look < 12; look++)
        await horizon.look(look % 2 === 0 ? { after: BigInt(newest) - 3n, limit: 500 } : undefined);
      const [plans] = (await runner.query(
        `SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements
          WHERE statement LIKE '%AS first_unpublished%'`,
      )) as Array<{ generic_plans: number; custom_plans: number }>;
      // PostgreSQL plans the first five executions for their values, then compares those plans' cost with the
      // generic plan's; with the values in sight the custom plans looked cheaper, and every look was planned.
      // (11 or 12 of the looks ran named: a text is named the second time the process sends it.)
      expect(plans.custom_plans).toBe(5);
      expect(plans.generic_plans).toBeGreaterThanOrEqual(6);
    } finally {
      await runner.release();
    }
  });
});
