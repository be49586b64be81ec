import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import type { SessionRevocationReason } from '../domain/events/security.events';
import { RefreshTokenOrmEntity } from './refresh-token.orm-entity';
import { SessionOrmEntity } from './session.orm-entity';

export type RotationResult =
  { outcome: 'rotated'; userId: string; sessionId: string } | { outcome: 'reused' } | { outcome: 'invalid' };

interface PresentedTokenRow {
  id: string;
  session_id: string;
  used_at: Date | null;
  expires_at: Date;
  user_id: string;
  revoked_at: Date | null;
}

/** What the access-token check learns about a live session. */
export interface LiveSession {
  /** Whether the session's user has two-factor authentication on, read in the same query. */
  twoFactor: boolean;
}

export interface SessionView {
  id: string;
  deviceLabel: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastUsedAt: Date;
}

/** `last_used_at` is written at most once a minute per session, so requests do not each write a row. */
const LAST_USED_GRANULARITY = `interval '1 minute'`;

@Injectable()
export class SessionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A session and its first refresh token, in the caller's transaction (or one of its own). */
  async open(session: SessionOrmEntity, token: RefreshTokenOrmEntity, tx?: EntityManager): Promise<void> {
    const write = async (manager: EntityManager) => {
      await manager.insert(SessionOrmEntity, session);
      await manager.insert(RefreshTokenOrmEntity, token);
    };
    if (tx) await write(tx);
    else await this.dataSource.transaction(write);
  }

  /** Whether the user has signed in from this kind of device before (any session, ended or not). */
  async knowsDevice(tx: EntityManager, userId: string, deviceLabel: string): Promise<boolean> {
    const rows = (await tx.query(
      `SELECT 1 FROM auth_sessions WHERE user_id = $1 AND device_label = $2 LIMIT 1`,
      [userId, deviceLabel],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Trades a refresh token for the next one of its family. The session row is locked, so two
   * concurrent refreshes with one token are serialised: the second sees the token used, which is
   * theft-or-replay, and revokes the whole family. That revocation commits (it is the outcome), together with
   * whatever `onReused` writes in the same transaction (the SessionRevoked event that closes its sockets).
   */
  rotate(
    presentedHash: string,
    next: { id: string; hash: string; expiresAt: Date },
    now: Date = new Date(),
    onReused?: (tx: EntityManager, revoked: { sessionId: string; userId: string }) => Promise<void>,
  ): Promise<RotationResult> {
    return this.dataSource.transaction(async (tx) => {
      const found = (await tx.query(
        `SELECT t.id, t.session_id, t.used_at, t.expires_at, s.user_id, s.revoked_at
           FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
          WHERE t.token_hash = $1
          FOR UPDATE OF s`,
        [presentedHash],
      )) as PresentedTokenRow[];
      const row = found[0];
      if (!row || row.revoked_at) return { outcome: 'invalid' };
      // Re-read under the lock: a concurrent rotation may have used it while we waited.
      const [{ used_at: usedAt }] = (await tx.query(`SELECT used_at FROM refresh_tokens WHERE id = $1`, [
        row.id,
      ])) as Array<{ used_at: Date | null }>;
      if (usedAt) {
        const result = await tx.update(
          SessionOrmEntity,
          { id: row.session_id, revokedAt: IsNull() },
          { revokedAt: now, revokedReason: 'refresh_token_reused' },
        );
        if ((result.affected ?? 0) > 0) {
          await onReused?.(tx, { sessionId: row.session_id, userId: row.user_id });
        }
        return { outcome: 'reused' };
      }
      if (row.expires_at.getTime() <= now.getTime()) return { outcome: 'invalid' };
      await tx.update(RefreshTokenOrmEntity, { id: row.id }, { usedAt: now });
      await tx.insert(RefreshTokenOrmEntity, {
        id: next.id,
        sessionId: row.session_id,
        tokenHash: next.hash,
        expiresAt: next.expiresAt,
        createdAt: now,
        usedAt: null,
      });
      await tx.update(SessionOrmEntity, { id: row.session_id }, { lastUsedAt: now });
      return { outcome: 'rotated', userId: row.user_id, sessionId: row.session_id };
    });
  }

  async isActive(sessionId: string, userId: string): Promise<boolean> {
    return this.dataSource
      .getRepository(SessionOrmEntity)
      .existsBy({ id: sessionId, userId, revokedAt: IsNull() });
  }

  /**
   * The access-token check, one statement: the session is live (not revoked), its use is noted (to the minute),
   * and the user's 2FA state comes back with it, so a money route that asks for a step-up reads nothing more.
   */
  async authenticate(sessionId: string, userId: string, now: Date): Promise<LiveSession | null> {
    const rows = (await this.dataSource.query(
      `WITH touched AS (
         UPDATE auth_sessions SET last_used_at = $3
          WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL
            AND (last_used_at IS NULL OR last_used_at < $3::timestamptz - ${LAST_USED_GRANULARITY})
          RETURNING id)
       SELECT EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = s.user_id AND t.enabled_at IS NOT NULL) AS two_factor
         FROM auth_sessions s WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL`,
      [sessionId, userId, now],
    )) as Array<{ two_factor: boolean }>;
    return rows[0] ? { twoFactor: rows[0].two_factor } : null;
  }

  /**
   * The user's live sessions, most recently used first: not revoked, and with a refresh token that can still be
   * used (a session whose tokens all expired is over).
   */
  async listActive(userId: string, now: Date): Promise<SessionView[]> {
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.device_label, s.user_agent, s.ip, s.created_at, COALESCE(s.last_used_at, s.created_at) AS last_used_at
         FROM auth_sessions s
        WHERE s.user_id = $1 AND s.revoked_at IS NULL
          AND EXISTS (SELECT 1 FROM refresh_tokens t
                       WHERE t.session_id = s.id AND t.used_at IS NULL AND t.expires_at > $2)
        ORDER BY COALESCE(s.last_used_at, s.created_at) DESC, s.id
        LIMIT 200`,
      [userId, now],
    )) as Array<{
      id: string;
      device_label: string | null;
      user_agent: string | null;
      ip: string | null;
      created_at: Date;
      last_used_at: Date;
    }>;
    return rows.map((row) => ({
      id: row.id,
      deviceLabel: row.device_label ?? 'Unknown device',
      userAgent: row.user_agent,
      ip: row.ip,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
    }));
  }

  /** Whether `sessionId` is one of the user's sessions (revoked or not). */
  async belongsTo(sessionId: string, userId: string): Promise<boolean> {
    return this.dataSource.getRepository(SessionOrmEntity).existsBy({ id: sessionId, userId });
  }

  /**
   * Revokes the user's live sessions, in the caller's transaction: the ones named in `only`, or all but `except`.
   * Returns the ids it revoked (one already revoked is not revoked again).
   */
  async revoke(
    tx: EntityManager,
    scope: { userId: string; only?: string[]; except?: string },
    reason: SessionRevocationReason,
    now: Date,
  ): Promise<string[]> {
    const [rows] = (await tx.query(
      `UPDATE auth_sessions SET revoked_at = $2, revoked_reason = $3
        WHERE user_id = $1 AND revoked_at IS NULL
          AND ($4::uuid[] IS NULL OR id = ANY($4::uuid[]))
          AND ($5::uuid IS NULL OR id <> $5::uuid)
        RETURNING id`,
      [scope.userId, now, reason, scope.only ?? null, scope.except ?? null],
    )) as [Array<{ id: string }>, number];
    return rows.map((row) => row.id);
  }

  /** Deletes refresh tokens that expired more than `retentionDays` ago; returns how many. */
  async purgeExpiredTokens(retentionDays: number): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(RefreshTokenOrmEntity)
      .where(`expires_at < now() - make_interval(days => :days)`, { days: retentionDays })
      .execute();
    return result.affected ?? 0;
  }
}
