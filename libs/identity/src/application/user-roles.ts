import { Injectable } from '@nestjs/common';
import { AppConfig } from '#monay/shared';
import type { UserOrmEntity } from '../infrastructure/user.orm-entity';

/**
 * A user's roles: those stored on the user (granted by an operator, `npm run user:grant-admin`), plus admin
 * for an email listed in ADMIN_EMAILS, but only once the user has proved they own that address
 * (`email_verified_at`). Without that proof, whoever registered a listed address first would be an admin.
 */
@Injectable()
export class UserRoles {
  constructor(private readonly config: AppConfig) {}

  of(user: Pick<UserOrmEntity, 'email' | 'roles' | 'emailVerifiedAt'>): string[] {
    const roles = new Set(user.roles);
    if (user.emailVerifiedAt && this.config.adminEmails.has(user.email)) roles.add('admin');
    return [...roles].sort();
  }
}
