import { Injectable } from '@nestjs/common';
import { AppConfig } from '#monay/shared';
import type { UserOrmEntity } from '../infrastructure/user.orm-entity';

/** A user's roles: those stored on the user, plus admin for the emails listed in ADMIN_EMAILS. */
@Injectable()
export class UserRoles {
  constructor(private readonly config: AppConfig) {}

  of(user: Pick<UserOrmEntity, 'email' | 'roles'>): string[] {
    const roles = new Set(user.roles);
    if (this.config.adminEmails.has(user.email)) roles.add('admin');
    return [...roles].sort();
  }
}
