import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PublishedEvent } from '#monay/shared';

interface OutboxRow {
  sequence: string;
  event_id: string;
  type: string;
  aggregate_id: string;
  user_ids: string[];
  payload: Record<string, unknown>;
  occurred_at: Date;
}

const COLUMNS = `sequence::text AS sequence, event_id, type, aggregate_id, user_ids, payload, occurred_at`;
// `ORDER BY outbox.sequence`, not `ORDER BY sequence`: the bare name is the text alias above, and '10' < '9'.

/**
 * Reads one user's events from the outbox, the event journal (read-only: the relay owns publishing). Every
 * query is scoped by `user_ids @> ARRAY[user]` (GIN-indexed), so another user's events are never returned.
 */
@Injectable()
export class RealtimeEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Where `eventId` sits in the journal, or undefined when there is no such event of `userId`'s. */
  async sequenceOf(userId: string, eventId: string): Promise<string | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT sequence::text AS sequence FROM outbox WHERE event_id = $1 AND user_ids @> ARRAY[$2]::uuid[]`,
      [eventId, userId],
    )) as Array<{ sequence: string }>;
    return rows[0]?.sequence;
  }

  /** Up to `limit` of the user's events of `types` after `sequence`, oldest first. */
  async after(userId: string, types: readonly string[], sequence: string, limit: number) {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM outbox
        WHERE user_ids @> ARRAY[$1]::uuid[] AND type = ANY($2::text[]) AND sequence > $3::bigint
        ORDER BY outbox.sequence LIMIT $4`,
      [userId, types, sequence, limit],
    )) as OutboxRow[];
    return rows.map(toEvent);
  }

  /** The user's latest `limit` events of `types`, oldest first. */
  async latest(userId: string, types: readonly string[], limit: number) {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM outbox
        WHERE user_ids @> ARRAY[$1]::uuid[] AND type = ANY($2::text[])
        ORDER BY outbox.sequence DESC LIMIT $3`,
      [userId, types, limit],
    )) as OutboxRow[];
    return rows.reverse().map(toEvent);
  }
}

function toEvent(row: OutboxRow): PublishedEvent {
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
