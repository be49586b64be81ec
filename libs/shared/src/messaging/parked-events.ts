import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../kernel/domain-error';
import { Metrics } from '../observability/metrics';
import { applyInOrder, EventConsumers } from './event-consumer';
import { OUTBOX_COLUMNS, toPublishedEvent, type DomainEvent, type OutboxRow } from './outbox';

/** A parked event's id names no open one. */
export class ParkedEventNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('No parked event with this id');
  }
}

/** A re-driven parked event failed again in its consumer: it stays parked, nothing was written. */
export class EventStillFailsError extends DomainError {
  readonly code = 'EVENT_STILL_FAILS';
  readonly kind = 'unprocessable';
  constructor(consumer: string, reason: string) {
    super(`${consumer} still fails on this event: ${reason.slice(0, 500)}`, { consumer });
  }
}

export interface ParkedEventView {
  id: string;
  consumer: string;
  eventId: string;
  eventType: string;
  attempts: number;
  lastError: string;
  firstFailedAt: string;
  parkedAt: string;
}

interface FailureRow {
  id: string;
  consumer: string;
  event_id: string;
  event_type: string;
  attempts: number;
  last_error: string;
  first_failed_at: Date;
  parked_at: Date;
}

/**
 * What happens when a consumer fails on one event. The relay then takes events one at a time and applies each
 * consumer in a savepoint: a failing consumer's writes are rolled back and its failure counted here, the others'
 * commit, and the event stays unpublished while the failing consumer waits out its backoff (backoff × 2^n). After
 * the last attempt the event is parked for that consumer alone (its processed-event mark kept, so it is skipped)
 * and the journal moves on: one event a read model cannot take no longer stops every projection, socket and
 * notification behind it. Operators see parked events (`GET /api/admin/events/parked`, a gauge) and re-drive one
 * once the cause is fixed.
 */
@Injectable()
export class ParkedEvents {
  private readonly logger = new Logger('ParkedEvents');
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consumers: EventConsumers,
    config: AppConfig,
    @Optional() metrics?: Metrics,
  ) {
    ({ attempts: this.attempts, backoffMs: this.backoffMs } = config.eventConsumers);
    metrics?.gauge(
      'monay_events_parked',
      'Events a consumer failed on every attempt, parked for an operator',
      [],
      async () => {
        const [{ parked }] = (await this.dataSource.query(
          `SELECT count(*)::int AS parked FROM event_consumer_failures
            WHERE parked_at IS NOT NULL AND resolved_at IS NULL`,
        )) as Array<{ parked: number }>;
        return [{ value: parked }];
      },
    );
  }

  /** Whether `consumer` is waiting out a backoff on `eventId` (the relay leaves the event for later). */
  async waiting(tx: EntityManager, consumer: string, eventId: string): Promise<boolean> {
    const rows = (await tx.query(
      `SELECT 1 FROM event_consumer_failures
        WHERE consumer = $1 AND event_id = $2 AND parked_at IS NULL AND resolved_at IS NULL
          AND next_attempt_at > now()`,
      [consumer, eventId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Counts a failure; answers whether the event is now parked for this consumer (no attempt left). */
  async failed(
    tx: EntityManager,
    consumer: string,
    event: DomainEvent,
    error: unknown,
  ): Promise<'retry' | 'parked'> {
    const message = error instanceof Error ? error.message : String(error);
    const [row] = (await tx.query(
      `INSERT INTO event_consumer_failures (consumer, event_id, event_type, attempts, last_error, next_attempt_at)
       VALUES ($1, $2, $3, 1, $4, now() + make_interval(secs => $5::double precision / 1000))
       ON CONFLICT (consumer, event_id) DO UPDATE SET
         attempts = event_consumer_failures.attempts + 1,
         last_error = EXCLUDED.last_error,
         last_failed_at = now(),
         next_attempt_at = now() + make_interval(
           secs => $5::double precision * power(2, event_consumer_failures.attempts) / 1000),
         resolved_at = NULL
       RETURNING id, attempts`,
      [consumer, event.eventId, event.type, message.slice(0, 2_000), this.backoffMs],
    )) as Array<{ id: string; attempts: number }>;
    if (row.attempts < this.attempts) {
      this.logger.warn(
        `${consumer} failed on ${event.type} ${event.eventId} (attempt ${row.attempts}): ${message}`,
      );
      return 'retry';
    }
    await tx.query(`UPDATE event_consumer_failures SET parked_at = now() WHERE id = $1`, [row.id]);
    this.logger.error(
      `${consumer} failed on ${event.type} ${event.eventId} ${row.attempts} times: parked (${message})`,
    );
    return 'parked';
  }

  /** A consumer that had failed on the event took it: its failure is resolved. */
  async recovered(tx: EntityManager, consumer: string, eventId: string): Promise<void> {
    await tx.query(
      `UPDATE event_consumer_failures SET resolved_at = now()
        WHERE consumer = $1 AND event_id = $2 AND resolved_at IS NULL`,
      [consumer, eventId],
    );
  }

  async list(): Promise<ParkedEventView[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${FAILURE_COLUMNS} FROM event_consumer_failures
        WHERE parked_at IS NOT NULL AND resolved_at IS NULL
        ORDER BY parked_at, id LIMIT 500`,
    )) as FailureRow[];
    return rows.map(viewOf);
  }

  /**
   * Applies a parked event to its consumer again, now, with the parked row locked (two re-drives at once apply it
   * once); resolved when the consumer takes it, else 422 and still parked, nothing written.
   */
  async retry(id: string): Promise<ParkedEventView> {
    if (!UUID.test(id)) throw new ParkedEventNotFoundError();
    let failure: unknown;
    const parked = await this.dataSource.transaction(async (tx) => {
      const [row] = (await tx.query(
        `SELECT ${FAILURE_COLUMNS} FROM event_consumer_failures
          WHERE id = $1 AND parked_at IS NOT NULL AND resolved_at IS NULL FOR UPDATE`,
        [id],
      )) as FailureRow[];
      const consumer = row && this.consumers.all().find((c) => c.name === row.consumer);
      if (!row || !consumer) throw new ParkedEventNotFoundError();
      const [event] = (await tx.query(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE event_id = $1`, [
        row.event_id,
      ])) as OutboxRow[];
      await tx.query('SAVEPOINT parked_retry');
      try {
        await applyInOrder(consumer, tx, [toPublishedEvent(event)]);
      } catch (error) {
        await tx.query('ROLLBACK TO SAVEPOINT parked_retry');
        failure = error;
        return viewOf(row);
      }
      await tx.query(`UPDATE event_consumer_failures SET resolved_at = now() WHERE id = $1`, [id]);
      return viewOf(row);
    });
    if (failure !== undefined) {
      throw new EventStillFailsError(
        parked.consumer,
        failure instanceof Error ? failure.message : String(failure),
      );
    }
    this.logger.log(`${parked.consumer} took parked ${parked.eventType} ${parked.eventId} on re-drive`);
    return parked;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FAILURE_COLUMNS =
  'id, consumer, event_id, event_type, attempts, last_error, first_failed_at, parked_at';

function viewOf(row: FailureRow): ParkedEventView {
  return {
    id: row.id,
    consumer: row.consumer,
    eventId: row.event_id,
    eventType: row.event_type,
    attempts: row.attempts,
    lastError: row.last_error,
    firstFailedAt: new Date(row.first_failed_at).toISOString(),
    parkedAt: new Date(row.parked_at).toISOString(),
  };
}
