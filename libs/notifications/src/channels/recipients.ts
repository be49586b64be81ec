import { Injectable } from '@nestjs/common';
import { Users } from '#monay/identity';

export interface Contact {
  email: string;
  /** The verified phone number (E.164), or null: SMS goes only to a number its owner proved. */
  phone: string | null;
}

/** Where users can be reached, asked of the identity context (its query, not its tables). */
@Injectable()
export class Recipients {
  constructor(private readonly users: Users) {}

  /** Each user's contact, by id, in one round trip; a user that does not exist is absent. */
  ofMany(userIds: readonly string[]): Promise<Map<string, Contact>> {
    return this.users.contacts(userIds);
  }
}
