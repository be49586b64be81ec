import { Query } from '@nestjs/cqrs';
import type { UserView } from '../../user-view';

/** The account's security state, as the profile shows it. */
export interface AccountSecurityView {
  emailVerified: boolean;
  phoneVerified: boolean;
  twoFactorEnabled: boolean;
}

export type ProfileView = UserView & { security: AccountSecurityView };

export class GetProfileQuery extends Query<ProfileView> {
  constructor(readonly userId: string) {
    super();
  }
}
