import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { runWrites, type SqlWrite } from '../database/sql-write';
import { REDIS, type RedisClient } from '../redis/redis.module';
import { applyInOrder, consumes, EventConsumers, type EventConsumer } from './event-consumer';
import {
  holdOutboxWrites,
  OUTBOX_COLUMNS,
  takeHeldOutbox,
  toPublishedEvent,
  type DomainEvent,
  type OutboxRow,
} from './outbox';
import { OutboxHorizon } from './outbox-horizon';
import { ParkedEvents } from './parked-events';
import { pause } from '../runtime/pause';
import { Metrics } from '../observability/metrics';

const BATCH = 200;

/** Whether this process runs the relay loop: the API processes, or the workers with `OUTBOX_RELAY=worker`. */
export const RELAY_ENABLED = Symbol('RELAY_ENABLED');

const IDLE_POLL_MS = 50;

/**
 * Publishes committed outbox rows, oldest first, at least once. A polling relay with
 * `FOR UPDATE SKIP LOCKED` (rather than LISTEN/NOTIFY or a queue) so the same code serves PostgreSQL and
 * the embedded database, and any number of processes can relay side by side: a row being handled by one
 * is skipped by the others. Registered {@link EventConsumer}s apply each batch inside the transaction
 * that marks it published; after the commit the events also go to the in-process EventBus (best effort).
 *
 * When a batch fails, the relay takes the next {@link BATCH} events one at a time, each consumer in a savepoint,
 * so that a consumer failing on one event holds back only that event, and only until {@link ParkedEvents} parks
 * it for that consumer.
 *
 * An event committed to an idle outbox is taken at once. While events keep coming, the next batch starts
 * OUTBOX_RELAY_LINGER_MS (100) after the one before started, not as soon as it ends: a batch costs its consumers
 * about the same statements whether it holds 3 transfers or 15, and without the pause a relay under steady load
 * ran back to back batches of a few events each. Sockets do not wait for it (RealtimeAnnouncer reads the outbox).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A nudge that came while the loop was busy: the loop looks again instead of sleeping. */
  private nudged = false;
  /** After a failed batch: how many events are still to be taken one at a time. */
  private isolating = 0;
  /** A worker's subscription to the APIs' nudges (`OUTBOX_RELAY=worker`). */
  private nudges: Redis | undefined;
  /** An API's nudge to the workers in flight, and whether another commit came meanwhile. */
  private telling = false;
  private tellAgain = false;
  /** How far events may be taken in sequence order (none past one that may still commit). */
  private readonly horizon: OutboxHorizon;
  /** The batch this process is publishing, if any (see {@link publishBatch}). */
  private publishing: Promise<unknown> = Promise.resolve();
  /** Told of every nudge: a commit in this process wrote events (see {@link onNudge}). */
  private readonly nudgeListeners: Array<() => void> = [];
  /** Ends a linger between two batches (at shutdown). */
  private stopWaiting: (() => void) | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consumers: EventConsumers,
    private readonly eventBus: EventBus,
    @Inject(RELAY_ENABLED) private readonly enabled: boolean,
    private readonly parked: ParkedEvents,
    @Optional() private readonly metrics?: Metrics,
    @Optional() @Inject(REDIS) private readonly redis?: RedisClient,
    @Optional() private readonly config?: AppConfig,
  ) {
    this.horizon = new OutboxHorizon(dataSource);
    metrics?.gauge(
      'monay_outbox_unpublished_events',
      'Outbox events committed and not yet published',
      [],
      async () => [{ value: await this.unpublished() }],
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.running = true;
    this.loop = this.run();
    if (this.config?.outboxRelay === 'worker' && this.redis) {
      // The APIs commit, the workers relay: an API's nudge comes through Redis.
      this.nudges = this.redis.duplicate();
      this.nudges.on('error', (error: Error) => this.logger.warn(`nudges: ${error.message}`));
      this.nudges.on('message', () => this.nudge());
      await this.nudges.subscribe(this.nudgeChannel());
    }
  }

  /** Stops polling before the pools close (events left in the outbox are durable: another relay takes them). */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.stopWaiting?.();
    await this.loop;
    await this.nudges?.quit().catch(() => this.nudges?.disconnect());
  }

  /**
   * Publishes everything committed so far, waiting for rows another relay (or this process's own loop)
   * is handling right now; resolves with how many events this call published.
   */
  async drain(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published === BATCH) continue;
      const pending = await this.unpublished();
      if (pending === 0) return total;
      if (Date.now() > deadline)
        throw new Error(`outbox: ${pending} events still unpublished after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Waits until every committed event has been published by some relay, without publishing any itself
   * (a process without sockets must not take events from those that have them).
   */
  async waitUntilPublished(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = await this.unpublished();
      if (pending === 0) return;
      if (Date.now() > deadline)
        throw new Error(`outbox: ${pending} events still unpublished after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Feeds every event ever written (the outbox is the event journal), oldest first, to `consumers` inside
   * `tx`: how read models are rebuilt. Their processed-event memory must have been cleared by the caller. Returns
   * how many events at least one of them took.
   */
  async replay(tx: EntityManager, consumers: ReadonlyArray<EventConsumer>): Promise<number> {
    let after = '0';
    let total = 0;
    for (;;) {
      const rows = (await tx.query(
        `SELECT ${OUTBOX_COLUMNS}
           FROM outbox WHERE sequence > $1 ORDER BY outbox.sequence LIMIT ${BATCH}`,
        [after],
      )) as OutboxRow[];
      if (rows.length === 0) return total;
      const events = rows.map(toPublishedEvent);
      const taken = new Set<string>();
      // Consumers keep to their own read models: each takes the page's events in order, after the one before.
      for (const consumer of consumers) {
        const own = events.filter((event) => consumes(consumer, event));
        if (own.length === 0) continue;
        for (const event of own) taken.add(event.eventId);
        await tx.query(
          `INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
          [consumer.name, own.map((event) => event.eventId)],
        );
        await applyInOrder(consumer, tx, own);
      }
      total += taken.size;
      after = rows[rows.length - 1].sequence;
    }
  }

  /**
   * Look now (after a commit) instead of at the next poll. In an API process when the workers relay, the workers
   * are told through Redis: one message at a time, however many commits come meanwhile.
   */
  nudge(): void {
    for (const listener of this.nudgeListeners) listener();
    if (!this.enabled && this.config?.outboxRelay === 'worker' && this.redis) {
      this.tellWorkers();
      return;
    }
    this.nudged = true;
    this.wake?.();
  }

  private tellWorkers(): void {
    if (this.telling) {
      this.tellAgain = true;
      return;
    }
    this.telling = true;
    this.tellAgain = false;
    void this.redis
      ?.publish(this.nudgeChannel(), '1')
      .catch((error: Error) => this.logger.warn(`nudge not sent: ${error.message}`))
      .finally(() => {
        this.telling = false;
        if (this.tellAgain) this.tellWorkers();
      });
  }

  private nudgeChannel(): string {
    return `${this.config?.redis?.prefix ?? 'monay'}:outbox:nudge`;
  }

  /** `listener` is told of every {@link nudge}, whether or not this process relays: events were just committed here. */
  onNudge(listener: () => void): void {
    this.nudgeListeners.push(listener);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      let published = 0;
      this.nudged = false;
      try {
        let batch: number;
        do {
          batch = await this.publishBatch();
          published += batch;
        } while (batch === BATCH && this.running);
      } catch (error) {
        if (this.running) this.logger.warn(`relay: ${(error as Error).message}`);
      }
      const linger = started + (this.config?.outboxRelayLingerMs ?? 0) - Date.now();
      if (published > 0 && linger > 0 && this.running) {
        // Events keep coming: let more gather for the next batch (nudges do not cut this short, shutdown does).
        await pause(linger, (end) => (this.stopWaiting = end));
        this.stopWaiting = undefined;
      } else if (published === 0 && this.running && !this.nudged) {
        await pause(IDLE_POLL_MS, (end) => (this.wake = end));
        this.wake = undefined;
      }
    }
  }

  private async unpublished(): Promise<number> {
    const [{ pending }] = (await this.dataSource.query(
      `SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL`,
    )) as Array<{ pending: number }>;
    return pending;
  }

  /**
   * One batch at a time per process: {@link drain} waits for the loop's batch in flight instead of racing it. Two
   * batches side by side in one process only got in each other's way: the second skipped the rows the first had
   * locked, then held back every later event of the same users, and came back with nothing after reading a page of
   * the journal (analytics-export's 2,300 events: 331 pages read for 46 published).
   */
  private publishBatch(): Promise<number> {
    const batch = this.publishing.then(() => this.publishNext());
    this.publishing = batch.catch(() => undefined);
    return batch;
  }

  private async publishNext(): Promise<number> {
    if (this.isolating > 0) {
      const published = await this.publishOne();
      this.isolating -= published;
      return published;
    }
    try {
      return await this.publishMany();
    } catch (error) {
      this.logger.warn(`relay: a batch failed (${(error as Error).message}); taking events one at a time`);
      this.isolating = BATCH;
      return this.publishNext();
    }
  }

  /**
   * Up to {@link BATCH} events, every consumer taking its share in one call, all in one transaction. An idle outbox
   * costs one statement (the relay looks 20 times a second), not a transaction of three.
   */
  private async publishMany(): Promise<number> {
    const { anyUnpublished, above, below } = await this.horizon.look();
    if (!anyUnpublished) return 0;
    const events = await this.dataSource.transaction(async (tx) => {
      const rows = await this.lockNext(tx, BATCH, above, below);
      if (rows.length === 0) return [];
      const batch = rows.map(toPublishedEvent);
      const consumers = this.consumers.all();
      // The events the consumers write are drawn last, with the batch's mark (holdOutboxWrites).
      holdOutboxWrites(tx);
      const due = consumers.flatMap((consumer) =>
        batch.filter((event) => consumes(consumer, event)).map((event) => ({ consumer, event })),
      );
      if (due.length > 0) {
        const applies = await this.remember(tx, due);
        // `due` is consumer by consumer, each one's events in journal order: each consumer gets its new ones.
        for (const consumer of consumers) {
          const own = due
            .filter((d) => d.consumer === consumer)
            .map((d) => d.event)
            .filter((event) => applies.has(`${consumer.name}\u0000${event.eventId.toLowerCase()}`));
          await applyInOrder(consumer, tx, own);
        }
      }
      await runWrites(
        tx,
        [takeHeldOutbox(tx), this.markPublishedWrite(rows)].filter((write): write is SqlWrite => !!write),
      );
      return batch;
    });
    this.announce(events);
    return events.length;
  }

  /**
   * The next event alone, each consumer in a savepoint: a consumer that fails has its writes rolled back and its
   * failure counted; while it still has attempts left the event stays unpublished (the consumers that took it
   * keep their mark and are not asked again), once it is parked the event is published without it.
   */
  private async publishOne(): Promise<number> {
    const { above, below } = await this.horizon.look();
    const events = await this.dataSource.transaction(async (tx) => {
      const [row] = await this.lockNext(tx, 1, above, below);
      if (!row) return [];
      const event = toPublishedEvent(row);
      const mine = this.consumers.all().filter((consumer) => consumes(consumer, event));
      let holdBack = false;
      for (const consumer of mine) {
        if (await this.parked.waiting(tx, consumer.name, event.eventId)) {
          holdBack = true;
          continue;
        }
        if ((await this.remember(tx, [{ consumer, event }])).size === 0) continue;
        await tx.query('SAVEPOINT consumer_apply');
        try {
          await applyInOrder(consumer, tx, [event]);
          await tx.query('RELEASE SAVEPOINT consumer_apply');
          await this.parked.recovered(tx, consumer.name, event.eventId);
        } catch (error) {
          await tx.query('ROLLBACK TO SAVEPOINT consumer_apply');
          if ((await this.parked.failed(tx, consumer.name, event, error)) === 'retry') {
            holdBack = true;
            await tx.query(`DELETE FROM processed_events WHERE consumer = $1 AND event_id = $2`, [
              consumer.name,
              event.eventId,
            ]);
          }
        }
      }
      if (holdBack) return [];
      await this.markPublished(tx, [row]);
      return [event];
    });
    this.announce(events);
    return events.length;
  }

  /**
   * The next unpublished events no other relay holds, in journal order, less those that would overtake an earlier
   * event of the same user: one still unpublished that this batch does not hold (another relay has it locked, or
   * left it unpublished to retry). Those wait for a later batch, so each consumer gets a user's events in journal
   * order however many relays run. Both reads start above the horizon's floor (`above`; see {@link OutboxHorizon}).
   */
  private async lockNext(
    tx: EntityManager,
    limit: number,
    above: bigint,
    below: bigint | null,
  ): Promise<OutboxRow[]> {
    const rows = (await tx.query(
      `SELECT ${OUTBOX_COLUMNS}
         FROM outbox WHERE published_at IS NULL AND sequence > $1 AND ($2::bigint IS NULL OR sequence < $2::bigint)
        ORDER BY outbox.sequence LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
      [above.toString(), below?.toString() ?? null],
    )) as OutboxRow[];
    if (rows.length === 0) return rows;
    const behind = (await tx.query(
      `SELECT DISTINCT u.user_id::text AS user_id
         FROM outbox o CROSS JOIN LATERAL unnest(o.user_ids) AS u(user_id)
        WHERE o.published_at IS NULL AND o.sequence > $1 AND o.sequence < $2 AND o.sequence <> ALL($3::bigint[])`,
      [above.toString(), rows[rows.length - 1].sequence, rows.map((row) => row.sequence)],
    )) as Array<{ user_id: string }>;
    if (behind.length === 0) return rows;
    const waiting = new Set(behind.map((row) => row.user_id.toLowerCase()));
    return rows.filter((row) => {
      const users = row.user_ids.map((id) => id.toLowerCase());
      if (!users.some((id) => waiting.has(id))) return true;
      for (const id of users) waiting.add(id);
      return false;
    });
  }

  /** Every (consumer, event) pair remembered in one statement; answers the new ones (the ones to apply). */
  private async remember(
    tx: EntityManager,
    due: ReadonlyArray<{ consumer: EventConsumer; event: DomainEvent }>,
  ): Promise<Set<string>> {
    const fresh = (await tx.query(
      `INSERT INTO processed_events (consumer, event_id)
       SELECT * FROM unnest($1::text[], $2::uuid[])
       ON CONFLICT DO NOTHING RETURNING consumer, event_id`,
      [due.map((d) => d.consumer.name), due.map((d) => d.event.eventId)],
    )) as Array<{ consumer: string; event_id: string }>;
    return new Set(fresh.map((row) => `${row.consumer}\u0000${row.event_id}`));
  }

  private async markPublished(tx: EntityManager, rows: ReadonlyArray<OutboxRow>): Promise<void> {
    await runWrites(tx, [this.markPublishedWrite(rows)]);
  }

  private markPublishedWrite(rows: ReadonlyArray<OutboxRow>): SqlWrite {
    return {
      sql: `UPDATE outbox SET published_at = now() WHERE sequence = ANY($1::bigint[])`,
      params: [rows.map((row) => row.sequence)],
    };
  }

  /** After the commit: the lag metric, and the in-process EventBus (best effort). */
  private announce(events: ReadonlyArray<DomainEvent>): void {
    const now = Date.now();
    for (const event of events) {
      this.metrics?.outboxLag.observe(Math.max(0, now - event.occurredAt.getTime()) / 1000);
      this.eventBus.publish(event);
    }
  }
}
