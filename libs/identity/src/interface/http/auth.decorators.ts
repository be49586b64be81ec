import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** Who is calling: set by the JWT strategy after the token and its session were checked. */
export interface AuthUser {
  userId: string;
  sessionId: string;
  roles: string[];
  /** Whether the user has two-factor authentication on (read with the session, on every request). */
  twoFactor: boolean;
}

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const request = context.switchToHttp().getRequest<{ user: AuthUser }>();
  return request.user;
});
