import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '../kernel/domain-error';
import { errorEnvelope } from './error-envelope';
import { requestIdOf } from './request-id';

/**
 * Nest answers unknown routes under the global prefix; anything outside `/api` and `/metrics` would
 * otherwise get Express's HTML page. Same envelope everywhere.
 */
export function outsideApiNotFound(request: Request, response: Response, next: NextFunction): void {
  const path = request.path;
  if (path === '/api' || path.startsWith('/api/') || path === '/metrics') return next();
  response.status(404).json(errorEnvelope(ErrorCode.NOT_FOUND, 'Resource not found', requestIdOf(request)));
}
