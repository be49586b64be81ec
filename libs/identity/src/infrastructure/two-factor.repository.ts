import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface TotpEnrolmentRow {
  userId: string;
  secretCiphertext: string;
  enabledAt: Date | null;
  lastUsedStep: number | null;
}

export interface ChallengeRow {
  id: string;
  userId: string;
  attempts: number;
  expiresAt: Date;
  completedAt: Date | null;
}

interface TotpRow {
  user_id: string;
  secret_ciphertext: string;
  enabled_at: Date | null;
  last_used_step: string | null;
}

const toEnrolment = (row: TotpRow): TotpEnrolmentRow => ({
  userId: row.user_id,
  secretCiphertext: row.secret_ciphertext,
  enabledAt: row.enabled_at,
  lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
});

/** Authenticator enrolments (user_totp), recovery codes and sign-in challenges: all their SQL. */
@Injectable()
export class TwoFactorRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async enrolment(userId: string, tx: EntityManager = this.dataSource.manager, lock = false) {
    const rows = (await tx.query(
      `SELECT user_id, secret_ciphertext, enabled_at, last_used_step::text AS last_used_step
         FROM user_totp WHERE user_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [userId],
    )) as TotpRow[];
    return rows[0] ? toEnrolment(rows[0]) : undefined;
  }

  async isEnabled(userId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM user_totp WHERE user_id = $1 AND enabled_at IS NOT NULL`,
      [userId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** A new pending enrolment, replacing a pending one; never one that is enabled (returns false then). */
  async savePending(userId: string, secretCiphertext: string, now: Date): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO user_totp (user_id, secret_ciphertext, enabled_at, last_used_step, created_at)
       VALUES ($1, $2, NULL, NULL, $3)
       ON CONFLICT (user_id) DO UPDATE
         SET secret_ciphertext = EXCLUDED.secret_ciphertext, last_used_step = NULL, created_at = EXCLUDED.created_at
         WHERE user_totp.enabled_at IS NULL
       RETURNING 1`,
      [userId, secretCiphertext, now],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Marks `timeStep` used if it is later than the last one used: true when this call took it. Two requests with
   * the same code race here; exactly one wins (the row is updated under its lock).
   */
  async useTimeStep(tx: EntityManager, userId: string, timeStep: number): Promise<boolean> {
    const rows = (await tx.query(
      `UPDATE user_totp SET last_used_step = $2
        WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2) RETURNING 1`,
      [userId, timeStep],
    )) as [unknown[], number];
    return rows[0].length > 0;
  }

  async enable(tx: EntityManager, userId: string, now: Date): Promise<void> {
    await tx.query(`UPDATE user_totp SET enabled_at = $2 WHERE user_id = $1`, [userId, now]);
  }

  /** 2FA off: the enrolment and the recovery codes go. */
  async remove(tx: EntityManager, userId: string): Promise<void> {
    await tx.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
    await tx.query(`DELETE FROM user_totp WHERE user_id = $1`, [userId]);
  }

  /** A fresh set of recovery codes (hashes), replacing any older set. */
  async replaceRecoveryCodes(
    tx: EntityManager,
    userId: string,
    codes: Array<{ id: string; hash: string }>,
    now: Date,
  ): Promise<void> {
    await tx.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
    await tx.query(
      `INSERT INTO recovery_codes (id, user_id, code_hash, used_at, created_at)
       SELECT id, $2, hash, NULL, $3 FROM unnest($1::uuid[], $4::text[]) AS c(id, hash)`,
      [codes.map((c) => c.id), userId, now, codes.map((c) => c.hash)],
    );
  }

  /** Spends a recovery code: true when it existed unused (each is good once). */
  async useRecoveryCode(tx: EntityManager, userId: string, hash: string, now: Date): Promise<boolean> {
    const rows = (await tx.query(
      `UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING 1`,
      [userId, hash, now],
    )) as [unknown[], number];
    return rows[0].length > 0;
  }

  async remainingRecoveryCodes(tx: EntityManager, userId: string): Promise<number> {
    const [{ left }] = (await tx.query(
      `SELECT count(*)::int AS left FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    )) as Array<{ left: number }>;
    return left;
  }

  async openChallenge(
    tx: EntityManager,
    challenge: {
      id: string;
      userId: string;
      tokenHash: string;
      expiresAt: Date;
      createdAt: Date;
      ip: string | null;
      userAgent: string | null;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO mfa_challenges (id, user_id, token_hash, attempts, expires_at, completed_at, ip, user_agent, created_at)
       VALUES ($1, $2, $3, 0, $4, NULL, $5, $6, $7)`,
      [
        challenge.id,
        challenge.userId,
        challenge.tokenHash,
        challenge.expiresAt,
        challenge.ip,
        challenge.userAgent,
        challenge.createdAt,
      ],
    );
  }

  async challengeByToken(tx: EntityManager, tokenHash: string): Promise<ChallengeRow | undefined> {
    const rows = (await tx.query(
      `SELECT id, user_id, attempts, expires_at, completed_at FROM mfa_challenges WHERE token_hash = $1 FOR UPDATE`,
      [tokenHash],
    )) as Array<{
      id: string;
      user_id: string;
      attempts: number;
      expires_at: Date;
      completed_at: Date | null;
    }>;
    const row = rows[0];
    return (
      row && {
        id: row.id,
        userId: row.user_id,
        attempts: row.attempts,
        expiresAt: row.expires_at,
        completedAt: row.completed_at,
      }
    );
  }

  async challengeAttemptFailed(tx: EntityManager, id: string): Promise<number> {
    const [rows] = (await tx.query(
      `UPDATE mfa_challenges SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts`,
      [id],
    )) as [Array<{ attempts: number }>, number];
    return rows[0].attempts;
  }

  async completeChallenge(tx: EntityManager, id: string, now: Date): Promise<void> {
    await tx.query(`UPDATE mfa_challenges SET completed_at = $2 WHERE id = $1`, [id, now]);
  }

  /** Challenges past their expiry for a day are of no use to anyone (purged with the expired refresh tokens). */
  async purgeChallenges(before: Date): Promise<number> {
    const [, affected] = (await this.dataSource.query(`DELETE FROM mfa_challenges WHERE expires_at < $1`, [
      before,
    ])) as [unknown, number];
    return affected;
  }
}
