import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { normalizeEmail } from '../../../domain/credentials';
import { UserNotFoundError } from '../../../domain/identity.errors';
import { UserRepository } from '../../../infrastructure/user.repository';
import { GrantRoleCommand } from './grant-role.command';

@CommandHandler(GrantRoleCommand)
export class GrantRoleHandler implements ICommandHandler<GrantRoleCommand> {
  constructor(private readonly users: UserRepository) {}

  async execute({ email, role }: GrantRoleCommand) {
    const granted = await this.users.addRole(normalizeEmail(email), role);
    if (!granted) throw new UserNotFoundError();
    return granted;
  }
}
