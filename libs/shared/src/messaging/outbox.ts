import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/** A domain event as the producer states it. Money in payloads is a decimal string, never a number. */
export interface OutboxMessage {
  type: string;
  aggregateId: string;
  /** The users this event concerns: realtime delivery and projections route by them. */
  userIds: string[];
  payload: Record<string, unknown>;
}

/** A committed event as consumers receive it, at least once. */
export class PublishedEvent<P extends Record<string, unknown> = Record<string, unknown>> {
  constructor(
    readonly eventId: string,
    readonly sequence: string,
    readonly type: string,
    readonly aggregateId: string,
    readonly userIds: string[],
    readonly payload: P,
    readonly occurredAt: Date,
  ) {}
}

/** An outbox row as read back (the sequence as text: a bigint that JavaScript numbers cannot hold). */
export interface OutboxRow {
  sequence: string;
  event_id: string;
  type: string;
  aggregate_id: string;
  user_ids: string[];
  payload: Record<string, unknown>;
  occurred_at: Date;
}

/**
 * The columns that make an {@link OutboxRow}. Order by `outbox.sequence`, never the bare `sequence`: that is
 * the text alias here, and '10' < '9'.
 */
export const OUTBOX_COLUMNS = `sequence::text AS sequence, event_id, type, aggregate_id, user_ids, payload, occurred_at`;

export function toPublishedEvent(row: OutboxRow): PublishedEvent {
  return new PublishedEvent(
    row.event_id,
    row.sequence,
    row.type,
    row.aggregate_id,
    row.user_ids,
    row.payload,
    row.occurred_at,
  );
}

/** Writes events in the caller's transaction: they exist if and only if the change they describe committed. */
@Injectable()
export class OutboxWriter {
  async append(tx: EntityManager, messages: OutboxMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const ids = messages.map(() => randomUUID());
    const values: unknown[] = [];
    const rows = messages.map((message, index) => {
      values.push(
        ids[index],
        message.type,
        message.aggregateId,
        message.userIds,
        JSON.stringify(message.payload),
      );
      const base = index * 5;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}::uuid[], $${base + 5}::jsonb)`;
    });
    await tx.query(
      `INSERT INTO outbox (event_id, type, aggregate_id, user_ids, payload) VALUES ${rows.join(', ')}`,
      values,
    );
    return ids;
  }
}
