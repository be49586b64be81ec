import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '#monay/shared';
import { normalizeEmail } from '../../../domain/credentials';
import { InvalidCredentialsError } from '../../../domain/identity.errors';
import { PasswordHasher } from '../../../infrastructure/password-hasher';
import { UserRepository } from '../../../infrastructure/user.repository';
import { SecurityLog } from '../../security/security-log';
import { SessionOpener } from '../../security/session-opener';
import { TwoFactorService } from '../../two-factor/two-factor.service';
import { UserRoles } from '../../user-roles';
import { toUserView } from '../../user-view';
import { LogInCommand, LogInResult } from './log-in.command';

/**
 * Email and password. Wrong (or an unknown email: the same answer after the same work, and the same audit entry)
 * → INVALID_CREDENTIALS. Right, with 2FA on → a challenge (`mfaRequired`), no session yet. Right otherwise → a
 * session, with its `new_sign_in` / `new_device` security event.
 */
@CommandHandler(LogInCommand)
export class LogInHandler implements ICommandHandler<LogInCommand> {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly roles: UserRoles,
    private readonly twoFactor: TwoFactorService,
    private readonly opener: SessionOpener,
    private readonly log: SecurityLog,
    private readonly uow: UnitOfWork,
  ) {}

  async execute({ email, password, client }: LogInCommand): Promise<LogInResult> {
    const normalized = normalizeEmail(email);
    const user = await this.users.findByEmail(normalized);
    // An unknown email costs one hash verification too, so timing does not reveal which emails exist.
    const valid = user
      ? await this.hasher.verify(password, user.passwordHash)
      : await this.hasher.verifyAgainstDummy(password);
    if (!user || !valid || user.status !== 'active') {
      await this.log.recordAlone(
        {
          action: 'sign_in_failed',
          outcome: 'failure',
          subjectUserId: user?.id ?? null,
          details: user ? { step: 'password' } : { step: 'password', email: normalized },
        },
        client,
      );
      throw new InvalidCredentialsError();
    }

    if (await this.twoFactor.isEnabled(user.id)) {
      return { mfaRequired: true, challenge: await this.twoFactor.openChallenge(user.id, client) };
    }
    const sign = await this.uow.run((tx) => this.opener.open(tx, user, client, { secondFactor: 'none' }));
    return { mfaRequired: false, user: toUserView(user, this.roles.of(user)), tokens: await sign() };
  }
}
