import { Query } from '@nestjs/cqrs';

export interface UserDirectoryEntry {
  id: string;
  email: string;
  phone: string | null;
}

/** Looks users up by id, email or phone in one round trip (recipient resolution, batches of 1,000). */
export class FindUsersQuery extends Query<UserDirectoryEntry[]> {
  constructor(readonly by: { ids?: string[]; emails?: string[]; phones?: string[] }) {
    super();
  }
}
