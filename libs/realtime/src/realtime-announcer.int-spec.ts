import type { DataSource, EntityManager } from 'typeorm';
import {
  EventConsumers,
  OutboxWriter,
  type AnyOutboxMessage,
  type DomainEvent,
  type DomainEventName,
} from '#monay/shared';
import {
  itRacesOnPostgres,
  openTestDataSource,
  specRelay,
  type TestDataSource,
} from '../../shared/src/testing';
import type { RealtimeMessage } from './realtime-events';
import type { RealtimeMessageBuilder } from './realtime-message-builder';
import { RealtimeAnnouncer } from './realtime-announcer';
import type { RealtimeGateway } from './realtime.gateway';

const ALICE = '0190c1a0-0000-7000-8000-00000000000a';
const BOB = '0190c1a0-0000-7000-8000-00000000000b';

/** A gateway that records what it is asked to do, with sockets for the users in `connected`. */
function recordingGateway() {
  const connected = new Set<string>();
  const done: string[] = [];
  const gateway = {
    hasAnySockets: () => connected.size > 0,
    hasLocalSockets: (userId: string) => connected.has(userId),
    send: (userId: string, message: RealtimeMessage) =>
      done.push(
        `${userId === ALICE ? 'alice' : 'bob'} ${'eventId' in message.data ? message.data.eventId : ''}`,
      ),
    closeSession: (sessionId: string) => done.push(`close ${sessionId}`),
  } as unknown as RealtimeGateway;
  return { gateway, connected, done };
}

/** A builder that makes one message per event (the aggregate id as its eventId), failing while `failing` is set. */
function fakeBuilder() {
  const state = { failing: false, builds: 0 };
  const builder = {
    buildFor: async (recipients: Map<string, DomainEvent[]>) => {
      state.builds += 1;
      if (state.failing) throw new Error('the balance read failed');
      return new Map(
        [...recipients].map(([userId, events]) => [
          userId,
          events.map((event) => ({ event: 'transaction.updated', data: { eventId: event.aggregateId } })),
        ]),
      );
    },
  } as unknown as RealtimeMessageBuilder;
  return { builder, state };
}

describe('RealtimeAnnouncer: committed events to this process’s sockets, in journal order', () => {
  let db: TestDataSource;
  const writer = new OutboxWriter();
  const write = (
    tx: EntityManager,
    name: string,
    userIds: string[],
    type: DomainEventName = 'FundsTransferred',
  ) =>
    // The builder is faked: only SessionRevoked's payload is read.
    writer.append(tx, [
      {
        type,
        aggregateId: name,
        userIds,
        payload: type === 'SessionRevoked' ? { sessionId: name } : {},
      } as unknown as AnyOutboxMessage,
    ]);
  const commit = (dataSource: DataSource, ...events: Array<[string, string[], DomainEventName?]>) =>
    dataSource.transaction(async (tx) => {
      for (const [name, userIds, type] of events) await write(tx, name, userIds, type);
    });

  function announcerOver(dataSource: DataSource) {
    const { gateway, connected, done } = recordingGateway();
    const { builder, state } = fakeBuilder();
    const relay = specRelay(dataSource, new EventConsumers(), []);
    const announcer = new RealtimeAnnouncer(dataSource, gateway, builder, relay);
    return { announcer, connected, done, state };
  }

  beforeAll(async () => {
    db = await openTestDataSource([]);
  });
  afterAll(() => db.close());

  it('sends each user with a socket here the events committed since, in order, and closes revoked sessions after', async () => {
    const { announcer, connected, done } = announcerOver(db.dataSource);
    await commit(db.dataSource, ['before-start', [ALICE]]);
    await announcer.catchUp();
    connected.add(ALICE);
    await commit(db.dataSource, ['t1', [ALICE, BOB]], ['t2', [BOB]]);
    await commit(db.dataSource, ['t3', [BOB, ALICE]], ['s1', [ALICE], 'SessionRevoked'], ['t4', [ALICE]]);
    await commit(db.dataSource, ['not-for-sockets', [ALICE], 'RecurringTransferUpcoming']);
    await announcer.catchUp();
    // Bob has no socket here; the event before the first look is history; the revocation closes after the sends.
    expect(done).toEqual(['alice t1', 'alice t3', 'alice t4', 'close s1']);
  });

  it('passes what commits while this process has no socket, without reading it, and never sends it later', async () => {
    const { announcer, connected, done } = announcerOver(db.dataSource);
    await announcer.catchUp();
    await commit(db.dataSource, ['nobody-listening', [ALICE]]);
    await announcer.catchUp();
    connected.add(ALICE);
    await commit(db.dataSource, ['listened', [ALICE]]);
    await announcer.catchUp();
    expect(done).toEqual(['alice listened']);
  });

  it('announces a turn that failed again from the same place: nothing lost, nothing twice', async () => {
    const { announcer, connected, done, state } = announcerOver(db.dataSource);
    await announcer.catchUp();
    connected.add(BOB);
    state.failing = true;
    await commit(db.dataSource, ['r1', [BOB]], ['r2', [BOB]]);
    await expect(announcer.catchUp()).rejects.toThrow('the balance read failed');
    state.failing = false;
    await commit(db.dataSource, ['r3', [BOB]]);
    await announcer.catchUp();
    expect(done).toEqual(['bob r1', 'bob r2', 'bob r3']);
  });

  it('reads more than one turn’s worth in turns, in order', async () => {
    const { announcer, connected, done } = announcerOver(db.dataSource);
    await announcer.catchUp();
    connected.add(ALICE);
    await db.dataSource.transaction(async (tx) => {
      for (let i = 0; i < 1_200; i++) await write(tx, `m${i}`, [ALICE]);
    });
    await announcer.catchUp();
    expect(done).toEqual(Array.from({ length: 1_200 }, (_, i) => `alice m${i}`));
  });

  itRacesOnPostgres(
    'sends nothing past an earlier event that may still commit, then both in order',
    async () => {
      const { announcer, connected, done } = announcerOver(db.dataSource);
      await announcer.catchUp();
      connected.add(ALICE);
      const inFlight = db.dataSource.createQueryRunner();
      await inFlight.connect();
      await inFlight.startTransaction();
      try {
        await write(inFlight.manager, 'earlier', [ALICE]);
        await commit(db.dataSource, ['later', [ALICE]]);
        await announcer.catchUp();
        expect(done).toEqual([]);
        await inFlight.commitTransaction();
        await announcer.catchUp();
        expect(done).toEqual(['alice earlier', 'alice later']);
      } finally {
        if (inFlight.isTransactionActive) await inFlight.rollbackTransaction();
        await inFlight.release();
      }
    },
  );
});
