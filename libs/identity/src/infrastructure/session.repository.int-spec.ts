import { randomUUID } from 'node:crypto';
import { openTestDataSource, type TestDataSource, itRacesOnPostgres } from '../../../shared/src/testing';
import { RefreshTokenOrmEntity } from './refresh-token.orm-entity';
import { SessionOrmEntity } from './session.orm-entity';
import { SessionRepository } from './session.repository';
import { UserOrmEntity } from './user.orm-entity';

describe('refresh-token rotation against a real database', () => {
  let db: TestDataSource;
  let sessions: SessionRepository;

  beforeAll(async () => {
    db = await openTestDataSource([UserOrmEntity, SessionOrmEntity, RefreshTokenOrmEntity]);
    sessions = new SessionRepository(db.dataSource);
  });
  afterAll(() => db.close());

  async function sessionWithToken(hash: string, expiresAt = new Date(Date.now() + 60_000)) {
    const now = new Date();
    const userId = randomUUID();
    const sessionId = randomUUID();
    await db.dataSource.getRepository(UserOrmEntity).insert({
      id: userId,
      email: `${userId}@example.com`,
      phone: null,
      passwordHash: 'x',
      roles: [],
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    await sessions.open(
      {
        id: sessionId,
        userId,
        createdAt: now,
        revokedAt: null,
        revokedReason: null,
        userAgent: null,
        ip: null,
        deviceLabel: null,
        lastUsedAt: null,
      },
      { id: randomUUID(), sessionId, tokenHash: hash, expiresAt, createdAt: now, usedAt: null },
    );
    return { userId, sessionId };
  }

  const next = () => ({ id: randomUUID(), hash: randomUUID(), expiresAt: new Date(Date.now() + 60_000) });

  itRacesOnPostgres(
    'of 12 concurrent rotations of one token, exactly one wins and the next revokes the family',
    async () => {
      const { sessionId, userId } = await sessionWithToken('token-a');
      const results = await Promise.all(Array.from({ length: 12 }, () => sessions.rotate('token-a', next())));
      const outcomes = results.map((r) => r.outcome).sort();
      expect(outcomes.filter((o) => o === 'rotated')).toHaveLength(1);
      // The first loser sees the token spent and revokes the session; later ones find it revoked.
      expect(outcomes.filter((o) => o === 'reused').length).toBeGreaterThanOrEqual(1);
      expect(outcomes.filter((o) => o !== 'rotated').every((o) => o === 'reused' || o === 'invalid')).toBe(
        true,
      );
      expect(await sessions.isActive(sessionId, userId)).toBe(false);
      const session = await db.dataSource.getRepository(SessionOrmEntity).findOneByOrFail({ id: sessionId });
      expect(session.revokedReason).toBe('refresh_token_reused');
    },
  );

  it('refuses an expired token without revoking the session', async () => {
    const { sessionId, userId } = await sessionWithToken('token-expired', new Date(Date.now() - 1_000));
    expect(await sessions.rotate('token-expired', next())).toEqual({ outcome: 'invalid' });
    expect(await sessions.isActive(sessionId, userId)).toBe(true);
  });

  it('purges only tokens expired beyond the retention period', async () => {
    await sessionWithToken('token-old', new Date(Date.now() - 10 * 86_400_000));
    await sessionWithToken('token-recent', new Date(Date.now() - 1 * 86_400_000));
    const deleted = await sessions.purgeExpiredTokens(7);
    expect(deleted).toBeGreaterThanOrEqual(1);
    const remaining = await db.dataSource
      .getRepository(RefreshTokenOrmEntity)
      .findBy([{ tokenHash: 'token-old' }, { tokenHash: 'token-recent' }]);
    expect(remaining.map((t) => t.tokenHash)).toEqual(['token-recent']);
  });
});
