import { Command } from '@nestjs/cqrs';

/** Stores a role on a user (operators: `npm run user:grant-admin -- <email>`). */
export class GrantRoleCommand extends Command<{ userId: string; roles: string[] }> {
  constructor(
    readonly email: string,
    readonly role: 'admin',
  ) {
    super();
  }
}
