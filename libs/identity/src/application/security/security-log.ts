import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, OutboxWriter } from '#monay/shared';
import { deviceLabel } from '../../domain/device-label';
import {
  SecurityEventRecorded,
  type SecurityEventKind,
  type SecurityEventRecordedPayload,
} from '../../domain/events/security.events';
import { AuditLogRepository } from '../../infrastructure/audit-log.repository';
import type { ClientInfo } from '../user-view';

/** What an audit entry says beyond where it came from. */
export interface AuditAction {
  action: string;
  outcome?: 'success' | 'failure';
  actorUserId?: string | null;
  subjectUserId?: string | null;
  target?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

/**
 * The audit log and the users' security events, written together. A security change writes its audit entry and,
 * for the user, a `SecurityEventRecorded` on the outbox in the transaction of the change itself: both exist if and
 * only if the change committed (the notifications context turns the event into an alert). Refusals (a wrong
 * password, a wrong code) are audited on their own, since nothing else is written for them.
 */
@Injectable()
export class SecurityLog {
  private readonly logger = new Logger('SecurityLog');

  constructor(
    private readonly audit: AuditLogRepository,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  /** A change to `userId`'s account security, in the change's transaction: an audit entry and the event. */
  async securityEvent(
    tx: EntityManager,
    userId: string,
    kind: SecurityEventKind,
    client: ClientInfo,
    details: Record<string, string | number | boolean | null> = {},
    actorUserId: string | null = userId,
  ): Promise<void> {
    const at = this.clock.now();
    await this.audit.append(
      this.entry({ action: kind, actorUserId, subjectUserId: userId, details }, client, at),
      tx,
    );
    const payload: SecurityEventRecordedPayload = {
      userId,
      kind,
      ip: client.ip ?? null,
      userAgent: client.userAgent ?? null,
      device: client.userAgent === undefined ? null : deviceLabel(client.userAgent),
      at: at.toISOString(),
      details,
    };
    await this.outbox.append(tx, [
      { type: SecurityEventRecorded, aggregateId: userId, userIds: [userId], payload },
    ]);
  }

  /** An audit entry in the caller's transaction (a role granted with the change that granted it). */
  async record(tx: EntityManager, action: AuditAction, client: ClientInfo = {}): Promise<void> {
    await this.audit.append(this.entry(action, client, this.clock.now()), tx);
  }

  /**
   * An audit entry on its own (a refusal, an admin action): never fails the request it describes; a database
   * that cannot take it is logged instead.
   */
  async recordAlone(action: AuditAction, client: ClientInfo = {}): Promise<void> {
    try {
      await this.audit.append(this.entry(action, client, this.clock.now()));
    } catch (error) {
      this.logger.warn({ err: error, action: action.action }, 'Audit entry not written');
    }
  }

  private entry(action: AuditAction, client: ClientInfo, at: Date) {
    return {
      occurredAt: at,
      requestId: client.requestId ?? null,
      ip: client.ip ?? null,
      userAgent: client.userAgent ?? null,
      actorUserId: action.actorUserId ?? null,
      subjectUserId: action.subjectUserId ?? null,
      action: action.action,
      target: action.target ?? null,
      outcome: action.outcome ?? 'success',
      details: action.details ?? {},
    };
  }
}
