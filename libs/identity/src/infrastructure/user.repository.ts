import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import { equalsOneOf, type SqlRead } from '#monay/shared';
import { EmailTakenError, PhoneTakenError } from '../domain/identity.errors';
import { RefreshTokenOrmEntity } from './refresh-token.orm-entity';
import { SessionOrmEntity } from './session.orm-entity';
import { UserOrmEntity } from './user.orm-entity';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findByEmail(email: string): Promise<UserOrmEntity | null> {
    return this.dataSource.getRepository(UserOrmEntity).findOneBy({ email });
  }

  findById(id: string): Promise<UserOrmEntity | null> {
    return this.dataSource.getRepository(UserOrmEntity).findOneBy({ id });
  }

  /** Where each user can be reached: the email, and the phone only once its owner proved it (one statement). */
  async contacts(ids: readonly string[]): Promise<Array<{ id: string; email: string; phone: string | null }>> {
    return (await this.dataSource.query(
      `SELECT id, email, CASE WHEN phone_verified_at IS NOT NULL THEN phone END AS phone
         FROM users WHERE id = ANY($1::uuid[])`,
      [ids],
    )) as Array<{ id: string; email: string; phone: string | null }>;
  }

  async findMany(by: { ids: string[]; emails: string[]; phones: string[] }): Promise<UserOrmEntity[]> {
    const where = [
      ...(by.ids.length ? [{ id: In(by.ids) }] : []),
      ...(by.emails.length ? [{ email: In(by.emails) }] : []),
      ...(by.phones.length ? [{ phone: In(by.phones) }] : []),
    ];
    return where.length ? this.dataSource.getRepository(UserOrmEntity).find({ where }) : [];
  }

  /**
   * {@link findMany} of active users only, as a read for another context's statement to carry (recipient
   * resolution reads the users, the blocks among them and their wallets in one round trip).
   */
  findActiveRead(by: { ids: string[]; emails: string[]; phones: string[] }): SqlRead<UserOrmEntity[]> {
    // Only the lists given are in the text, one value as a scalar (equalsOneOf): PostgreSQL keeps one plan for each
    // text instead of planning every send afresh.
    const tests = [
      { column: 'id', type: 'uuid', values: by.ids },
      { column: 'email', type: 'text', values: by.emails },
      { column: 'phone', type: 'text', values: by.phones },
    ]
      .filter((list) => list.values.length > 0)
      .map((list, index) => ({ column: list.column, ...equalsOneOf(list.values, list.type, index + 1) }));
    return {
      sql: `SELECT id, email, phone FROM users
             WHERE (${tests.length > 0 ? tests.map((t) => `${t.column} ${t.test}`).join(' OR ') : 'false'})
               AND status = 'active'`,
      params: tests.map((t) => t.param),
      decode: (rows) =>
        rows.map((row) =>
          Object.assign(new UserOrmEntity(), {
            id: row.id as string,
            email: row.email as string,
            phone: (row.phone as string | null) ?? null,
            status: 'active' as const,
          }),
        ),
    };
  }

  /** Adds a role (once); returns the user's roles, or null when no user has this email. */
  async addRole(email: string, role: string): Promise<{ userId: string; roles: string[] } | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE users SET roles = CASE WHEN $2 = ANY(roles) THEN roles ELSE array_append(roles, $2) END, updated_at = now()
        WHERE email = $1 RETURNING id, roles`,
      [email, role],
    )) as [Array<{ id: string; roles: string[] }>, number];
    return rows[0] ? { userId: rows[0].id, roles: rows[0].roles } : null;
  }

  /** The user, their first session and its refresh token, and whatever `also` writes: all or nothing. */
  async createWithSession(
    user: UserOrmEntity,
    session: SessionOrmEntity,
    token: RefreshTokenOrmEntity,
    also?: (tx: EntityManager) => Promise<void>,
  ): Promise<void> {
    try {
      await this.dataSource.transaction(async (tx) => {
        await tx.insert(UserOrmEntity, user);
        await tx.insert(SessionOrmEntity, session);
        await tx.insert(RefreshTokenOrmEntity, token);
        await also?.(tx);
      });
    } catch (error) {
      throw translateUniqueViolation(error);
    }
  }

  /** The user, locked until the caller's transaction ends. */
  async lock(tx: EntityManager, id: string): Promise<UserOrmEntity | null> {
    return tx.getRepository(UserOrmEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async markEmailVerified(tx: EntityManager, id: string, email: string, now: Date): Promise<boolean> {
    const [rows] = (await tx.query(
      `UPDATE users SET email_verified_at = $3, updated_at = $3
        WHERE id = $1 AND email = $2 AND email_verified_at IS NULL RETURNING 1`,
      [id, email, now],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  /** Sets the phone number the user proved they own; PHONE_TAKEN when another account has it. */
  async setVerifiedPhone(tx: EntityManager, id: string, phone: string, now: Date): Promise<void> {
    try {
      await tx.query(`UPDATE users SET phone = $2, phone_verified_at = $3, updated_at = $3 WHERE id = $1`, [
        id,
        phone,
        now,
      ]);
    } catch (error) {
      throw translateUniqueViolation(error);
    }
  }

  async setPasswordHash(tx: EntityManager, id: string, passwordHash: string, now: Date): Promise<void> {
    await tx.query(
      `UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1`,
      [id, passwordHash, now],
    );
  }
}

function translateUniqueViolation(error: unknown): unknown {
  if (!(error instanceof QueryFailedError)) return error;
  const driverError = error.driverError as { code?: string; constraint?: string; detail?: string };
  if (driverError.code !== UNIQUE_VIOLATION) return error;
  const where = `${driverError.constraint ?? ''} ${driverError.detail ?? ''}`;
  if (where.includes('phone')) return new PhoneTakenError();
  if (where.includes('email')) return new EmailTakenError();
  return error;
}
