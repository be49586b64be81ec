import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
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

@Injectable()
export class SessionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async open(session: SessionOrmEntity, token: RefreshTokenOrmEntity): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.insert(SessionOrmEntity, session);
      await tx.insert(RefreshTokenOrmEntity, token);
    });
  }

  /**
   * Trades a refresh token for the next one of its family. The session row is locked, so two
   * concurrent refreshes with one token are serialised: the second sees the token used, which is
   * theft-or-replay, and revokes the whole family. That revocation commits (it is the outcome).
   */
  rotate(
    presentedHash: string,
    next: { id: string; hash: string; expiresAt: Date },
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
        await tx.update(
          SessionOrmEntity,
          { id: row.session_id, revokedAt: IsNull() },
          { revokedAt: new Date(), revokedReason: 'refresh_token_reused' },
        );
        return { outcome: 'reused' };
      }
      if (row.expires_at.getTime() <= Date.now()) return { outcome: 'invalid' };
      await tx.update(RefreshTokenOrmEntity, { id: row.id }, { usedAt: new Date() });
      await tx.insert(RefreshTokenOrmEntity, {
        id: next.id,
        sessionId: row.session_id,
        tokenHash: next.hash,
        expiresAt: next.expiresAt,
        createdAt: new Date(),
        usedAt: null,
      });
      return { outcome: 'rotated', userId: row.user_id, sessionId: row.session_id };
    });
  }

  async isActive(sessionId: string, userId: string): Promise<boolean> {
    return this.dataSource
      .getRepository(SessionOrmEntity)
      .existsBy({ id: sessionId, userId, revokedAt: IsNull() });
  }

  async revoke(sessionId: string, userId: string, reason: 'logout'): Promise<void> {
    await this.dataSource
      .getRepository(SessionOrmEntity)
      .update(
        { id: sessionId, userId, revokedAt: IsNull() },
        { revokedAt: new Date(), revokedReason: reason },
      );
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
