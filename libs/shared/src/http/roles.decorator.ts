import { SetMetadata } from '@nestjs/common';

export const REQUIRED_ROLES = 'monay:roles';

export type Role = 'admin';

/** The route needs one of these roles on the caller's access token; others get 403 FORBIDDEN. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);
