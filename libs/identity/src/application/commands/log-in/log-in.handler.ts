import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { normalizeEmail } from '../../../domain/credentials';
import { InvalidCredentialsError } from '../../../domain/identity.errors';
import { PasswordHasher } from '../../../infrastructure/password-hasher';
import { SessionRepository } from '../../../infrastructure/session.repository';
import { TokenIssuer } from '../../../infrastructure/token-issuer';
import { UserRoles } from '../../user-roles';
import { UserRepository } from '../../../infrastructure/user.repository';
import { newSession } from '../../new-session';
import { toUserView } from '../../user-view';
import { LogInCommand } from './log-in.command';

@CommandHandler(LogInCommand)
export class LogInHandler implements ICommandHandler<LogInCommand> {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly roles: UserRoles,
  ) {}

  async execute({ email, password, client }: LogInCommand) {
    const user = await this.users.findByEmail(normalizeEmail(email));
    // An unknown email costs one hash verification too, so timing does not reveal which emails exist.
    const valid = user
      ? await this.hasher.verify(password, user.passwordHash)
      : await this.hasher.verifyAgainstDummy(password);
    if (!user || !valid || user.status !== 'active') throw new InvalidCredentialsError();

    const { session, token, refreshToken } = newSession(user.id, client, this.tokens);
    await this.sessions.open(session, token);
    const tokens = await this.tokens.pair(
      { sub: user.id, sid: session.id, roles: this.roles.of(user) },
      refreshToken,
    );
    return { user: toUserView(user, this.roles.of(user)), tokens };
  }
}
