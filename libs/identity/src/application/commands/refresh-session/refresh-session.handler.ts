import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { InvalidRefreshTokenError, RefreshTokenReusedError } from '../../../domain/identity.errors';
import { SessionRepository } from '../../../infrastructure/session.repository';
import { TokenIssuer } from '../../../infrastructure/token-issuer';
import { UserRoles } from '../../user-roles';
import { UserRepository } from '../../../infrastructure/user.repository';
import { SessionRevocations } from '../../security/session-revocations';
import { RefreshSessionCommand } from './refresh-session.command';

@CommandHandler(RefreshSessionCommand)
export class RefreshSessionHandler implements ICommandHandler<RefreshSessionCommand> {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
    private readonly tokens: TokenIssuer,
    private readonly roles: UserRoles,
    private readonly revocations: SessionRevocations,
  ) {}

  async execute({ refreshToken }: RefreshSessionCommand) {
    const next = this.tokens.newRefreshToken();
    // Refresh tokens live by the real clock (their expiry was set by it); the reused family's sockets close at once.
    const result = await this.sessions.rotate(
      this.tokens.hashRefreshToken(refreshToken),
      { id: randomUUID(), hash: next.hash, expiresAt: next.expiresAt },
      new Date(),
      (tx, revoked) =>
        this.revocations.announce(tx, [revoked.sessionId], revoked.userId, 'refresh_token_reused'),
    );
    if (result.outcome === 'reused') {
      this.revocations.published();
      throw new RefreshTokenReusedError();
    }
    if (result.outcome === 'invalid') throw new InvalidRefreshTokenError();
    const user = await this.users.findById(result.userId);
    if (!user || user.status !== 'active') throw new InvalidRefreshTokenError();
    return this.tokens.pair({ sub: user.id, sid: result.sessionId, roles: this.roles.of(user) }, next.token);
  }
}
