import { Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { GrantRoleCommand } from './commands/grant-role/grant-role.command';
import { RegisterUserCommand, type RegisteredUser } from './commands/register-user/register-user.command';
import type { SqlRead } from '#monay/shared';
import { UserRepository } from '../infrastructure/user.repository';
import { directoryKeys, toDirectoryEntry } from './queries/find-users/find-users.handler';
import { FindUsersQuery, type UserDirectoryEntry } from './queries/find-users/find-users.query';
import { GetProfileQuery, type ProfileView } from './queries/get-profile/get-profile.query';
import type { ClientInfo } from './user-view';

/**
 * The identity context's public service for other contexts, scripts and tests: typed calls, data in and out
 * (architecture.md, Contexts and their public surfaces). Inside identity the use cases are commands and
 * queries on the bus; nobody outside dispatches them.
 */
@Injectable()
export class Users {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly repository: UserRepository,
  ) {}

  /** Users by id, email or phone in one round trip (recipient resolution, batches of 1,000). */
  find(by: { ids?: string[]; emails?: string[]; phones?: string[] }): Promise<UserDirectoryEntry[]> {
    return this.queries.execute(new FindUsersQuery(by));
  }

  /**
   * {@link find} as a read for the caller to run with reads of its own in one statement (`readTogether`): the
   * same users (active, matched by id, normalised email or phone).
   */
  findRead(by: { ids?: string[]; emails?: string[]; phones?: string[] }): SqlRead<UserDirectoryEntry[]> {
    const read = this.repository.findActiveRead(directoryKeys(by));
    return {
      sql: read.sql,
      params: read.params,
      decode: (rows) => read.decode(rows).map(toDirectoryEntry),
    };
  }

  /** A user's profile with its security state (whether email and phone are verified, 2FA on). */
  profile(userId: string): Promise<ProfileView> {
    return this.queries.execute(new GetProfileQuery(userId));
  }

  /**
   * Where users can be reached, by id: their email, and their phone only if they verified it (null otherwise). Users
   * that do not exist are absent. One round trip, for notification deliveries sent in batches.
   */
  async contacts(userIds: readonly string[]): Promise<Map<string, { email: string; phone: string | null }>> {
    const rows = userIds.length === 0 ? [] : await this.repository.contacts([...new Set(userIds)]);
    return new Map(rows.map((row) => [row.id, { email: row.email, phone: row.phone }]));
  }

  /** A new user with a first session (onboarding registers through here). */
  register(
    email: string,
    password: string,
    phone: string | undefined,
    client: ClientInfo = {},
  ): Promise<RegisteredUser> {
    return this.commands.execute(new RegisterUserCommand(email, password, phone, client));
  }

  /** Stores a role on a user (operators: `npm run user:grant-admin -- <email>`). */
  grantRole(email: string, role: 'admin'): Promise<{ userId: string; roles: string[] }> {
    return this.commands.execute(new GrantRoleCommand(email, role));
  }
}
