import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CodePurpose, StoredCode } from '../domain/one-time-code';

interface CodeRow {
  id: string;
  user_id: string | null;
  purpose: CodePurpose;
  channel: 'email' | 'sms';
  destination: string;
  code_hash: string;
  attempts: number;
  max_attempts: number;
  expires_at: Date;
  created_at: Date;
}

const COLUMNS = `id, user_id, purpose, channel, destination, code_hash, attempts, max_attempts, expires_at, created_at`;

function toStored(row: CodeRow): StoredCode {
  return {
    id: row.id,
    userId: row.user_id,
    purpose: row.purpose,
    channel: row.channel,
    destination: row.destination,
    codeHash: row.code_hash,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

/** Whose codes: a user's, or (password resets) those sent to an address, whoever owns it. */
export type CodeOwner = { userId: string } | { destination: string };

/** One-time codes (verification_codes): all their SQL. Every method runs in the caller's transaction. */
@Injectable()
export class VerificationCodeRepository {
  /** A new code makes every open one of the same owner and purpose unusable. */
  async supersede(tx: EntityManager, purpose: CodePurpose, owner: CodeOwner, now: Date): Promise<void> {
    const [column, value] =
      'userId' in owner ? ['user_id', owner.userId] : ['destination', owner.destination];
    await tx.query(
      `UPDATE verification_codes SET consumed_at = $3, outcome = 'superseded'
        WHERE purpose = $1 AND ${column} = $2 AND consumed_at IS NULL`,
      [purpose, value, now],
    );
  }

  async insert(tx: EntityManager, code: StoredCode & { linkTokenHash: string | null }): Promise<void> {
    await tx.query(
      `INSERT INTO verification_codes
         (id, user_id, purpose, channel, destination, code_hash, link_token_hash, attempts, max_attempts, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        code.id,
        code.userId,
        code.purpose,
        code.channel,
        code.destination,
        code.codeHash,
        code.linkTokenHash,
        code.attempts,
        code.maxAttempts,
        code.expiresAt,
        code.createdAt,
      ],
    );
  }

  /** The owner's latest open code for `purpose`, locked until the caller's transaction ends. */
  async latestOpen(
    tx: EntityManager,
    purpose: CodePurpose,
    owner: CodeOwner,
  ): Promise<StoredCode | undefined> {
    const [column, value] =
      'userId' in owner ? ['user_id', owner.userId] : ['destination', owner.destination];
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM verification_codes
        WHERE purpose = $1 AND ${column} = $2 AND consumed_at IS NULL
        ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [purpose, value],
    )) as CodeRow[];
    return rows[0] && toStored(rows[0]);
  }

  /** The open code a link token belongs to (an emailed link), locked. */
  async byLinkToken(tx: EntityManager, linkTokenHash: string): Promise<StoredCode | undefined> {
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM verification_codes
        WHERE link_token_hash = $1 AND consumed_at IS NULL FOR UPDATE`,
      [linkTokenHash],
    )) as CodeRow[];
    return rows[0] && toStored(rows[0]);
  }

  /**
   * A wrong try, counted. The last one allowed marks the code locked; it stays the owner's latest open code (so
   * the next try is told VERIFICATION_CODE_LOCKED) until a new code supersedes it.
   */
  async wrongAttempt(tx: EntityManager, id: string, lock: boolean): Promise<void> {
    await tx.query(
      `UPDATE verification_codes SET attempts = attempts + 1,
              outcome = CASE WHEN $2 THEN 'locked' ELSE outcome END
        WHERE id = $1`,
      [id, lock],
    );
  }

  async consume(tx: EntityManager, id: string, now: Date): Promise<void> {
    await tx.query(
      `UPDATE verification_codes SET consumed_at = $2, outcome = 'used' WHERE id = $1 AND consumed_at IS NULL`,
      [id, now],
    );
  }
}
