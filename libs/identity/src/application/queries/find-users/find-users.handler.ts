import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { normalizeEmail, normalizePhone } from '../../../domain/credentials';
import { UserRepository } from '../../../infrastructure/user.repository';
import { FindUsersQuery, UserDirectoryEntry } from './find-users.query';

@QueryHandler(FindUsersQuery)
export class FindUsersHandler implements IQueryHandler<FindUsersQuery> {
  constructor(private readonly users: UserRepository) {}

  async execute({ by }: FindUsersQuery): Promise<UserDirectoryEntry[]> {
    const ids = (by.ids ?? []).filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    const found = await this.users.findMany({
      ids,
      emails: (by.emails ?? []).map(normalizeEmail),
      phones: (by.phones ?? []).map(normalizePhone),
    });
    return found
      .filter((user) => user.status === 'active')
      .map((user) => ({
        id: user.id,
        email: user.email,
        phone: user.phone,
      }));
  }
}
