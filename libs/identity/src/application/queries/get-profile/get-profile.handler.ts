import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UserNotFoundError } from '../../../domain/identity.errors';
import { UserRepository } from '../../../infrastructure/user.repository';
import { UserRoles } from '../../user-roles';
import { toUserView } from '../../user-view';
import { GetProfileQuery } from './get-profile.query';

@QueryHandler(GetProfileQuery)
export class GetProfileHandler implements IQueryHandler<GetProfileQuery> {
  constructor(
    private readonly users: UserRepository,
    private readonly roles: UserRoles,
  ) {}

  async execute({ userId }: GetProfileQuery) {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    return toUserView(user, this.roles.of(user));
  }
}
