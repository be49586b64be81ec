import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '#monay/shared';
import { SessionNotFoundError } from '../../domain/identity.errors';
import { SessionRepository } from '../../infrastructure/session.repository';
import { SecurityLog } from '../security/security-log';
import { SessionRevocations } from '../security/session-revocations';
import type { ClientInfo } from '../user-view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SessionListItem {
  id: string;
  device: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

/** The user's signed-in devices: listed, and ended one by one or all but this one. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly revocations: SessionRevocations,
    private readonly log: SecurityLog,
    private readonly uow: UnitOfWork,
  ) {}

  async list(userId: string, currentSessionId: string): Promise<SessionListItem[]> {
    // Refresh tokens live by the real clock (their expiry was set by it).
    const sessions = await this.sessions.listActive(userId, new Date());
    return sessions.map((session) => ({
      id: session.id,
      device: session.deviceLabel,
      userAgent: session.userAgent,
      ip: session.ip,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      current: session.id === currentSessionId,
    }));
  }

  /**
   * Ends one of the user's sessions (this one too, if named): its tokens stop working and its sockets close.
   * Another user's, an unknown or a malformed id → 404; one already ended → the same answer (`revoked: false`).
   */
  async revoke(userId: string, sessionId: string, client: ClientInfo): Promise<{ revoked: boolean }> {
    if (!UUID.test(sessionId) || !(await this.sessions.belongsTo(sessionId, userId))) {
      throw new SessionNotFoundError();
    }
    const revoked = await this.uow.run(async (tx) => {
      const ids = await this.revocations.revoke(tx, { userId, only: [sessionId] }, 'revoked_by_user');
      for (const id of ids)
        await this.log.securityEvent(tx, userId, 'session_revoked', client, { sessionId: id });
      return ids;
    });
    this.revocations.published();
    return { revoked: revoked.length > 0 };
  }

  /** Ends every session of the user's but the one asking. */
  async revokeOthers(
    userId: string,
    currentSessionId: string,
    client: ClientInfo,
  ): Promise<{ revoked: number }> {
    const revoked = await this.uow.run(async (tx) => {
      const ids = await this.revocations.revoke(tx, { userId, except: currentSessionId }, 'revoked_by_user');
      for (const id of ids)
        await this.log.securityEvent(tx, userId, 'session_revoked', client, { sessionId: id });
      return ids;
    });
    this.revocations.published();
    return { revoked: revoked.length };
  }
}
