import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { DomainError } from '#monay/kernel';
import { REQUIRED_ROLES, type Role } from '#monay/shared';
import { SecurityLog } from '../../application/security/security-log';
import type { AuthUser } from './auth.decorators';
import { clientOf } from './client-info';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_BODY_CHARS = 2_000;

/**
 * Global: every admin action (a route marked `@Roles('admin')` that changes something: provider modes, dead-letter
 * retries, reconciliation runs, the sandbox clock, …) goes to the audit log with who, the route, its parameters,
 * a bounded copy of the body, and whether it succeeded. Reads are not logged. New admin routes are covered by
 * being admin routes; nothing to remember.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly log: SecurityLog,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    if (!roles?.includes('admin') || READS.has(request.method)) return next.handle();
    const record = (outcome: 'success' | 'failure', code?: string) =>
      this.log.recordAlone(
        {
          action: 'admin_action',
          outcome,
          actorUserId: request.user?.userId ?? null,
          target: `${request.method} ${routeOf(request)}`,
          details: {
            path: request.originalUrl.slice(0, 300),
            params: JSON.stringify(request.params ?? {}).slice(0, 300),
            body: bodyOf(request),
            ...(code && { code }),
          },
        },
        clientOf(request),
      );
    return next.handle().pipe(
      mergeMap((value: unknown) => from(record('success')).pipe(mergeMap(() => [value]))),
      catchError((error: unknown) =>
        from(record('failure', error instanceof DomainError ? error.code : 'ERROR')).pipe(
          mergeMap(() => throwError(() => error)),
        ),
      ),
    );
  }
}

function routeOf(request: Request): string {
  const route = (request.route as { path?: string } | undefined)?.path;
  return `${request.baseUrl ?? ''}${route ?? request.path}`;
}

function bodyOf(request: Request): string | null {
  if (request.body === undefined || request.body === null) return null;
  const text = JSON.stringify(request.body);
  return text === '{}' ? null : text.slice(0, MAX_BODY_CHARS);
}
