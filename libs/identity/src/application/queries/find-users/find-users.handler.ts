import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { normalizeEmail, normalizePhone } from '../../../domain/credentials';
import type { UserOrmEntity } from '../../../infrastructure/user.orm-entity';
import { UserRepository } from '../../../infrastructure/user.repository';
import { FindUsersQuery, UserDirectoryEntry } from './find-users.query';

/** What the users are looked up by: ids that can be ids, normalised emails and phones. */
export function directoryKeys(by: FindUsersQuery['by']): {
  ids: string[];
  emails: string[];
  phones: string[];
} {
  return {
    ids: (by.ids ?? []).filter((id) => /^[0-9a-f-]{36}$/i.test(id)),
    emails: (by.emails ?? []).map(normalizeEmail),
    phones: (by.phones ?? []).map(normalizePhone),
  };
}

export function toDirectoryEntry(user: UserOrmEntity): UserDirectoryEntry {
  return { id: user.id, email: user.email, phone: user.phone };
}

@QueryHandler(FindUsersQuery)
export class FindUsersHandler implements IQueryHandler<FindUsersQuery> {
  constructor(private readonly users: UserRepository) {}

  async execute({ by }: FindUsersQuery): Promise<UserDirectoryEntry[]> {
    const found = await this.users.findMany(directoryKeys(by));
    return found.filter((user) => user.status === 'active').map(toDirectoryEntry);
  }
}
