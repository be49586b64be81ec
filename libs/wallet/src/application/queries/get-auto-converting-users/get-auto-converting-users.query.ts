import { Query } from '@nestjs/cqrs';

/** Of these users, those with auto-convert on, with their preferred currency (one query for a whole batch). */
export class GetAutoConvertingUsersQuery extends Query<Map<string, string>> {
  constructor(readonly userIds: string[]) {
    super();
  }
}
