import { Injectable } from '@nestjs/common';
import { Users } from '#monay/identity';

export interface Contact {
  email: string;
  /** The verified phone number (E.164), or null: SMS goes only to a number its owner proved. */
  phone: string | null;
}

/** Where a user can be reached, asked of the identity context (its query, not its tables). */
@Injectable()
export class Recipients {
  constructor(private readonly users: Users) {}

  async of(userId: string): Promise<Contact> {
    const profile = await this.users.profile(userId);
    return { email: profile.email, phone: profile.security.phoneVerified ? profile.phone : null };
  }
}
