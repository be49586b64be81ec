import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { REQUIRED_ROLES, type Role } from '#monay/shared';
import { ForbiddenError } from '../../domain/identity.errors';
import type { AuthUser } from './auth.decorators';

/** Global, after the JWT guard: a route marked `@Roles(...)` needs one of them on the caller's token. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required?.length) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!user || !required.some((role) => user.roles.includes(role))) throw new ForbiddenError();
    return true;
  }
}
