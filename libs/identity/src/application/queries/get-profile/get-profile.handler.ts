import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UserNotFoundError } from '../../../domain/identity.errors';
import { TwoFactorRepository } from '../../../infrastructure/two-factor.repository';
import { UserRepository } from '../../../infrastructure/user.repository';
import { UserRoles } from '../../user-roles';
import { toUserView } from '../../user-view';
import { GetProfileQuery, ProfileView } from './get-profile.query';

@QueryHandler(GetProfileQuery)
export class GetProfileHandler implements IQueryHandler<GetProfileQuery> {
  constructor(
    private readonly users: UserRepository,
    private readonly twoFactor: TwoFactorRepository,
    private readonly roles: UserRoles,
  ) {}

  async execute({ userId }: GetProfileQuery): Promise<ProfileView> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    return {
      ...toUserView(user, this.roles.of(user)),
      security: {
        emailVerified: user.emailVerifiedAt !== null,
        phoneVerified: user.phoneVerifiedAt !== null && user.phone !== null,
        twoFactorEnabled: await this.twoFactor.isEnabled(userId),
      },
    };
  }
}
