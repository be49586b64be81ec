import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { normalizeEmail } from '../../../domain/credentials';
import { UserNotFoundError } from '../../../domain/identity.errors';
import { UserRepository } from '../../../infrastructure/user.repository';
import { SecurityLog } from '../../security/security-log';
import { GrantRoleCommand } from './grant-role.command';

@CommandHandler(GrantRoleCommand)
export class GrantRoleHandler implements ICommandHandler<GrantRoleCommand> {
  constructor(
    private readonly users: UserRepository,
    private readonly log: SecurityLog,
  ) {}

  async execute({ email, role }: GrantRoleCommand) {
    const granted = await this.users.addRole(normalizeEmail(email), role);
    if (!granted) throw new UserNotFoundError();
    // An operator's command line: no actor account, the source says who.
    await this.log.recordAlone({
      action: 'role_granted',
      subjectUserId: granted.userId,
      target: `role:${role}`,
      details: { role, source: 'operator' },
    });
    return granted;
  }
}
