import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '#monay/shared';
import { deviceLabel } from '../../domain/device-label';
import { SessionRepository } from '../../infrastructure/session.repository';
import { TokenIssuer, type TokenPair } from '../../infrastructure/token-issuer';
import type { UserOrmEntity } from '../../infrastructure/user.orm-entity';
import { newSession } from '../new-session';
import { UserRoles } from '../user-roles';
import type { ClientInfo } from '../user-view';
import { SecurityLog } from './security-log';

/**
 * A completed sign-in (the password, and the second factor when the user has 2FA): the session and its first
 * refresh token, the audit entry and the user's security event — `new_device` when the user never signed in from
 * this kind of device, `new_sign_in` otherwise — in the caller's transaction. The token pair is signed after.
 */
@Injectable()
export class SessionOpener {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenIssuer,
    private readonly roles: UserRoles,
    private readonly log: SecurityLog,
    private readonly clock: Clock,
  ) {}

  async open(
    tx: EntityManager,
    user: UserOrmEntity,
    client: ClientInfo,
    how: { secondFactor: 'none' | 'totp' | 'recovery_code' },
  ): Promise<() => Promise<TokenPair>> {
    const { session, token, refreshToken } = newSession(user.id, client, this.tokens, this.clock.now());
    const label = session.deviceLabel ?? deviceLabel(client.userAgent);
    const known = await this.sessions.knowsDevice(tx, user.id, label);
    await this.sessions.open(session, token, tx);
    await this.log.securityEvent(tx, user.id, known ? 'new_sign_in' : 'new_device', client, {
      sessionId: session.id,
      device: label,
      secondFactor: how.secondFactor,
    });
    const roles = this.roles.of(user);
    return () => this.tokens.pair({ sub: user.id, sid: session.id, roles }, refreshToken);
  }
}
