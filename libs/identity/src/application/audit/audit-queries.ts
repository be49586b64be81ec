import { Injectable } from '@nestjs/common';
import { deviceLabel } from '../../domain/device-label';
import { SECURITY_EVENT_KINDS } from '../../domain/events/security.events';
import {
  AuditLogRepository,
  type AuditFilter,
  type AuditRecord,
} from '../../infrastructure/audit-log.repository';

/** What a user sees of their own account's history: the security events, and the refused attempts on it. */
export const USER_VISIBLE_ACTIONS: readonly string[] = [
  ...SECURITY_EVENT_KINDS,
  'sign_in_failed',
  'password_change_failed',
  'password_reset_requested',
  'password_reset_failed',
  '2fa_enable_failed',
  '2fa_disable_failed',
  'step_up_failed',
  // A card's PAN and CVV were shown (libs/cards, after a step-up).
  'card_details_revealed',
];

export interface AuditPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AuditEntryView {
  id: string;
  at: string;
  action: string;
  outcome: 'success' | 'failure';
  actorUserId: string | null;
  subjectUserId: string | null;
  target: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

export interface SecurityEventView {
  id: string;
  kind: string;
  outcome: 'success' | 'failure';
  at: string;
  ip: string | null;
  device: string | null;
  details: Record<string, unknown>;
}

/** Cursors are opaque to clients: the id of the last entry of a page, base64url. */
export function encodeCursor(id: string): string {
  return Buffer.from(`a:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined | null {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^a:\d{1,19}$/.test(text)) return null;
  return BigInt(text.slice(2)) <= 2n ** 63n - 1n ? text.slice(2) : null;
}

/** Reads of the audit log: the operators' (filtered) and each user's own security events. */
@Injectable()
export class AuditQueries {
  constructor(private readonly audit: AuditLogRepository) {}

  async entries(filter: Omit<AuditFilter, 'limit' | 'before'>, page: { before?: string; limit: number }) {
    const rows = await this.audit.list({ ...filter, before: page.before, limit: page.limit + 1 });
    return this.page(rows, page.limit, (row): AuditEntryView => ({
      id: row.id,
      at: row.occurredAt.toISOString(),
      action: row.action,
      outcome: row.outcome,
      actorUserId: row.actorUserId,
      subjectUserId: row.subjectUserId,
      target: row.target,
      requestId: row.requestId,
      ip: row.ip,
      userAgent: row.userAgent,
      details: row.details,
    }));
  }

  async securityEvents(userId: string, page: { before?: string; limit: number }) {
    const rows = await this.audit.list({
      subjectUserId: userId,
      actions: USER_VISIBLE_ACTIONS,
      before: page.before,
      limit: page.limit + 1,
    });
    return this.page(rows, page.limit, (row): SecurityEventView => ({
      id: row.id,
      kind: row.action,
      outcome: row.outcome,
      at: row.occurredAt.toISOString(),
      ip: row.ip,
      device: row.userAgent === null ? null : deviceLabel(row.userAgent),
      details: withoutInternals(row.details),
    }));
  }

  private page<T>(rows: AuditRecord[], limit: number, view: (row: AuditRecord) => T): AuditPage<T> {
    const items = rows.slice(0, limit);
    return {
      items: items.map(view),
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null,
    };
  }
}

/** A user is not shown what only operators need (the email typed for an unknown account, say). */
function withoutInternals(details: Record<string, unknown>): Record<string, unknown> {
  const { email: _email, account: _account, ...rest } = details;
  return rest;
}
