import { randomUUID } from 'node:crypto';
import { deviceLabel } from '../domain/device-label';
import type { RefreshTokenOrmEntity } from '../infrastructure/refresh-token.orm-entity';
import type { SessionOrmEntity } from '../infrastructure/session.orm-entity';
import type { TokenIssuer } from '../infrastructure/token-issuer';
import type { ClientInfo } from './user-view';

/** A new sign-in: the session row, its first refresh token row, and the token to hand out. */
export function newSession(
  userId: string,
  client: ClientInfo,
  tokens: TokenIssuer,
  now: Date = new Date(),
): { session: SessionOrmEntity; token: RefreshTokenOrmEntity; refreshToken: string } {
  const refresh = tokens.newRefreshToken();
  const session: SessionOrmEntity = {
    id: randomUUID(),
    userId,
    createdAt: now,
    revokedAt: null,
    revokedReason: null,
    userAgent: client.userAgent ?? null,
    ip: client.ip ?? null,
    deviceLabel: deviceLabel(client.userAgent),
    lastUsedAt: now,
  };
  const token: RefreshTokenOrmEntity = {
    id: randomUUID(),
    sessionId: session.id,
    tokenHash: refresh.hash,
    expiresAt: refresh.expiresAt,
    createdAt: now,
    usedAt: null,
  };
  return { session, token, refreshToken: refresh.token };
}
