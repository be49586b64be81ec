import { ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import type { AppConfig } from '../config/app-config';

const AUTH_RATE_LIMITED = 'monay:auth-rate-limited';

/** Sign-in routes: a stricter budget per IP and per account (the email in the body). */
export const AuthRateLimited = (): MethodDecorator => SetMetadata(AUTH_RATE_LIMITED, true);

export function rateLimitOptions(
  config: AppConfig,
  reflector: Reflector,
  storage: ThrottlerStorage | undefined,
): ThrottlerModuleOptions {
  const ttl = config.throttle.ttlSeconds * 1000;
  const notAuthRoute = (context: ExecutionContext) =>
    !reflector.get<boolean | undefined>(AUTH_RATE_LIMITED, context.getHandler());
  return {
    storage,
    errorMessage: 'Too many requests, slow down',
    throttlers: [
      { name: 'default', ttl, limit: config.throttle.limit },
      { name: 'auth-ip', ttl, limit: config.throttle.authLimit * 3, skipIf: notAuthRoute },
      {
        name: 'auth-account',
        ttl,
        limit: config.throttle.authLimit,
        skipIf: (context: ExecutionContext) => notAuthRoute(context) || accountOf(context) === undefined,
        getTracker: (request: Record<string, unknown>) =>
          `account:${accountOf(request as unknown as Request) ?? ''}`,
      },
    ],
  };
}

function accountOf(source: ExecutionContext | Request): string | undefined {
  const request = 'switchToHttp' in source ? source.switchToHttp().getRequest<Request>() : source;
  const email: unknown = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : undefined;
}
