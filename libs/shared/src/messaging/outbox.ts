import { newId } from '../kernel/ids';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { insertRowsWrite, type SqlWrite } from '../database/sql-write';
import {
  currentVersionOf,
  upcastPayload,
  type DomainEventName,
  type DomainEvents,
  type EventPayload,
} from './domain-events';

/**
 * A domain event as its producer states it: a name of the catalogue and that event's payload. Money in payloads is
 * a decimal string, never a number.
 */
export interface OutboxMessage<K extends DomainEventName = DomainEventName> {
  type: K;
  aggregateId: string;
  /** The users this event concerns: realtime delivery and projections route by them. */
  userIds: string[];
  payload: DomainEvents[K];
}

/** Any event of the catalogue, as a union discriminated by `type` (what `OutboxWriter.append` takes). */
export type AnyOutboxMessage = { [K in DomainEventName]: OutboxMessage<K> }[DomainEventName];

/** A committed event as consumers receive it, at least once, its payload brought to the current version. */
export class PublishedEvent<K extends DomainEventName = DomainEventName> {
  constructor(
    readonly eventId: string,
    readonly sequence: string,
    readonly type: K,
    readonly aggregateId: string,
    readonly userIds: string[],
    readonly payload: DomainEvents[K],
    readonly occurredAt: Date,
  ) {}
}

/**
 * One of the events named `K`, as a union discriminated by `type`: `switch (event.type)` narrows the payload.
 * (`PublishedEvent<'A' | 'B'>` would not: its payload would be A's or B's whatever its type.)
 */
export type DomainEvent<K extends DomainEventName = DomainEventName> = K extends DomainEventName
  ? PublishedEvent<K>
  : never;

/** An outbox row as read back (the sequence as text: a bigint that JavaScript numbers cannot hold). */
export interface OutboxRow {
  sequence: string;
  event_id: string;
  type: string;
  version: number;
  aggregate_id: string;
  user_ids: string[];
  payload: EventPayload;
  occurred_at: Date;
}

/**
 * The columns that make an {@link OutboxRow}. Order by `outbox.sequence`, never the bare `sequence`: that is
 * the text alias here, and '10' < '9'.
 */
export const OUTBOX_COLUMNS = `sequence::text AS sequence, event_id, type, version, aggregate_id, user_ids, payload, occurred_at`;

/**
 * The typed decode at the journal's boundary, and the only place a stored payload is given its type: the row's
 * payload is brought up to its event's current version (`defineEvents` upcasters), then trusted to be what
 * the producer wrote through {@link OutboxWriter.append}, which only takes catalogue events.
 */
export function toPublishedEvent(row: OutboxRow): DomainEvent {
  const payload = upcastPayload(row.type, row.version ?? 1, row.payload);
  return new PublishedEvent(
    row.event_id,
    row.sequence,
    row.type as DomainEventName,
    row.aggregate_id,
    row.user_ids,
    payload as DomainEvents[DomainEventName],
    row.occurred_at,
  ) as DomainEvent;
}

/** The columns an event is written with (sequence and occurred_at are the table's defaults). */
const OUTBOX_INSERT_COLUMNS = [
  ['event_id', 'uuid'],
  ['type', 'text'],
  ['version', 'smallint'],
  ['aggregate_id', 'text'],
  ['user_ids', 'uuid[]'],
  ['payload', 'jsonb'],
] as const;

/** Events held in memory until the end of their transaction ({@link holdOutboxWrites}), by the transaction's runner. */
const held = new WeakMap<object, Array<{ id: string; message: AnyOutboxMessage }>>();

/**
 * From now until {@link takeHeldOutbox}, the events {@link OutboxWriter.append} is given in `tx` are held in memory
 * and written together at the end. For a transaction that does much else after writing an event (the relay's batch:
 * every consumer's work): an event's sequence is drawn when it is inserted, and every event committed after that
 * draw waits until this transaction ends (OutboxHorizon: no reader passes a sequence that may still commit), so
 * the events are drawn last, just before the commit. They are written in one statement rather than one per writer.
 * A writer gets its events' ids at once, as before; only their rows come later, in the same transaction.
 */
export function holdOutboxWrites(tx: EntityManager): void {
  if (!tx.queryRunner) throw new Error('holdOutboxWrites: not a transaction');
  held.set(tx.queryRunner, []);
}

/**
 * The INSERT of the events held since {@link holdOutboxWrites}, in the order they were appended (null if none), for
 * the caller to run in the transaction, last: the transaction stops holding.
 */
export function takeHeldOutbox(tx: EntityManager): SqlWrite | null {
  const runner = tx.queryRunner;
  const events = runner && held.get(runner);
  if (!runner || !events) return null;
  held.delete(runner);
  return outboxInsert(
    events.map((event) => event.id),
    events.map((event) => event.message),
  );
}

/** How many events `tx` holds (undefined when it does not hold them): a savepoint's mark ({@link forgetHeldSince}). */
export function heldOutboxMark(tx: EntityManager): number | undefined {
  return tx.queryRunner && held.get(tx.queryRunner)?.length;
}

/** A savepoint rolled back: the events held since its mark are forgotten with its writes. */
export function forgetHeldSince(tx: EntityManager, mark: number | undefined): void {
  const events = tx.queryRunner && held.get(tx.queryRunner);
  if (events && mark !== undefined) events.length = mark;
}

/** Writes events in the caller's transaction: they exist if and only if the change they describe committed. */
@Injectable()
export class OutboxWriter {
  async append(tx: EntityManager, messages: readonly AnyOutboxMessage[]): Promise<string[]> {
    const holding = tx.queryRunner && held.get(tx.queryRunner);
    if (holding) {
      const ids = messages.map(() => newId());
      messages.forEach((message, index) => holding.push({ id: ids[index], message }));
      return ids;
    }
    const { write, eventIds } = this.appendWrite(messages);
    if (write) await tx.query(write.sql, [...write.params]);
    return eventIds;
  }

  /**
   * The INSERT that {@link append} runs, not run: for the caller to run in its transaction as part of its own
   * statement ({@link combineWrites}), so the events cost no round trip of their own. Null when there are none.
   */
  appendWrite(messages: readonly AnyOutboxMessage[]): { write: SqlWrite | null; eventIds: string[] } {
    const ids = messages.map(() => newId());
    return { write: outboxInsert(ids, messages), eventIds: ids };
  }
}

function outboxInsert(ids: readonly string[], messages: readonly AnyOutboxMessage[]): SqlWrite | null {
  if (messages.length === 0) return null;
  return insertRowsWrite(
    'outbox',
    OUTBOX_INSERT_COLUMNS,
    messages.map((message, index) => [
      ids[index],
      message.type,
      currentVersionOf(message.type),
      message.aggregateId,
      message.userIds,
      JSON.stringify(message.payload),
    ]),
    // Evaluated before the sequence's default (nextval), so the writing transaction has its xid before it draws a
    // sequence: a transaction holding a sequence it has not committed yet then has an xid below the next one any
    // later look reads, and counts as running (OutboxHorizon). Without it, a transaction whose first write is its
    // outbox row drew the sequence a moment before it had an xid, and in that moment a gap at that sequence looked
    // ended.
    { where: 'pg_current_xact_id() IS NOT NULL' },
  );
}

/** One outbox message, typed by its name (for code that builds messages of several kinds in one place). */
export function outboxMessage<K extends DomainEventName>(
  type: K,
  aggregateId: string,
  userIds: string[],
  payload: DomainEvents[K],
): OutboxMessage<K> {
  return { type, aggregateId, userIds, payload };
}
