import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface AuditEntry {
  occurredAt: Date;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Who did it (null: someone not signed in, or an operator's command line). */
  actorUserId: string | null;
  /** Whose account it concerns (null: an email no account has). */
  subjectUserId: string | null;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  details: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  id: string;
}

export interface AuditFilter {
  actorUserId?: string;
  subjectUserId?: string;
  actions?: readonly string[];
  outcome?: 'success' | 'failure';
  from?: Date;
  to?: Date;
  /** Entries older than this id (the cursor). */
  before?: string;
  limit: number;
}

interface AuditRow {
  id: string;
  occurred_at: Date;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  actor_user_id: string | null;
  subject_user_id: string | null;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  details: Record<string, unknown>;
}

/** The append-only audit log (a trigger refuses UPDATE and DELETE): inserts and filtered, newest-first reads. */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async append(entry: AuditEntry, tx: EntityManager = this.dataSource.manager): Promise<void> {
    await tx.query(
      `INSERT INTO audit_log (occurred_at, request_id, ip, user_agent, actor_user_id, subject_user_id, action, target, outcome, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
      [
        entry.occurredAt,
        entry.requestId,
        entry.ip,
        entry.userAgent,
        entry.actorUserId,
        entry.subjectUserId,
        entry.action,
        entry.target,
        entry.outcome,
        JSON.stringify(entry.details),
      ],
    );
  }

  async list(filter: AuditFilter): Promise<AuditRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.actorUserId) add('actor_user_id = ?::uuid', filter.actorUserId);
    if (filter.subjectUserId) add('subject_user_id = ?::uuid', filter.subjectUserId);
    if (filter.actions) add('action = ANY(?::text[])', filter.actions);
    if (filter.outcome) add('outcome = ?', filter.outcome);
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    if (filter.before) add('id < ?::bigint', filter.before);
    values.push(filter.limit);
    const rows = (await this.dataSource.query(
      `SELECT id::text AS id, occurred_at, request_id, ip, user_agent, actor_user_id, subject_user_id, action, target,
              outcome, details
         FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY audit_log.id DESC LIMIT $${values.length}`,
      values,
    )) as AuditRow[];
    return rows.map((row) => ({
      id: row.id,
      occurredAt: row.occurred_at,
      requestId: row.request_id,
      ip: row.ip,
      userAgent: row.user_agent,
      actorUserId: row.actor_user_id,
      subjectUserId: row.subject_user_id,
      action: row.action,
      target: row.target,
      outcome: row.outcome,
      details: row.details,
    }));
  }
}
