import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { assertPasswordPolicy, normalizeEmail, normalizePhone } from '../../../domain/credentials';
import { PasswordHasher } from '../../../infrastructure/password-hasher';
import { TokenIssuer } from '../../../infrastructure/token-issuer';
import { UserRoles } from '../../user-roles';
import { UserRepository } from '../../../infrastructure/user.repository';
import { Clock } from '#monay/shared';
import { newSession } from '../../new-session';
import { SecurityLog } from '../../security/security-log';
import { toUserView } from '../../user-view';
import { RegisteredUser, RegisterUserCommand } from './register-user.command';

@CommandHandler(RegisterUserCommand)
export class RegisterUserHandler implements ICommandHandler<RegisterUserCommand> {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly roles: UserRoles,
    private readonly log: SecurityLog,
    private readonly clock: Clock,
  ) {}

  async execute({ email, password, phone, client }: RegisterUserCommand): Promise<RegisteredUser> {
    const normalizedEmail = normalizeEmail(email);
    assertPasswordPolicy(password, normalizedEmail);
    const now = this.clock.now();
    const user = {
      id: randomUUID(),
      email: normalizedEmail,
      phone: phone ? normalizePhone(phone) : null,
      passwordHash: await this.hasher.hash(password),
      roles: [],
      emailVerifiedAt: null,
      phoneVerifiedAt: null,
      passwordChangedAt: null,
      status: 'active' as const,
      createdAt: now,
      updatedAt: now,
    };
    const { session, token, refreshToken } = newSession(user.id, client, this.tokens, now);
    await this.users.createWithSession(user, session, token, (tx) =>
      this.log.record(
        tx,
        {
          action: 'registered',
          actorUserId: user.id,
          subjectUserId: user.id,
          details: { sessionId: session.id },
        },
        client,
      ),
    );
    const tokens = await this.tokens.pair(
      { sub: user.id, sid: session.id, roles: this.roles.of(user) },
      refreshToken,
    );
    return { user: toUserView(user, this.roles.of(user)), tokens };
  }
}
