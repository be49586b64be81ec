import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OUTBOX_COLUMNS, toPublishedEvent, type OutboxRow } from '#monay/shared';

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
      `SELECT ${OUTBOX_COLUMNS} FROM outbox
        WHERE user_ids @> ARRAY[$1]::uuid[] AND type = ANY($2::text[]) AND sequence > $3::bigint
        ORDER BY outbox.sequence LIMIT $4`,
      [userId, types, sequence, limit],
    )) as OutboxRow[];
    return rows.map(toPublishedEvent);
  }

  /** The user's latest `limit` events of `types`, oldest first. */
  async latest(userId: string, types: readonly string[], limit: number) {
    const rows = (await this.dataSource.query(
      `SELECT ${OUTBOX_COLUMNS} FROM outbox
        WHERE user_ids @> ARRAY[$1]::uuid[] AND type = ANY($2::text[])
        ORDER BY outbox.sequence DESC LIMIT $3`,
      [userId, types, limit],
    )) as OutboxRow[];
    return rows.reverse().map(toPublishedEvent);
  }
}
