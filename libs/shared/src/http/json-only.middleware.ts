import { HttpException, HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '../kernel/domain-error';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Where a vendor (or a mail client) posts a form rather than JSON: Twilio's status callbacks, and the one-click
 * unsubscribe of RFC 8058 (`List-Unsubscribe=One-Click`).
 */
const FORM_ROUTES = new Set(['/api/webhooks/notifications/twilio', '/api/notifications/unsubscribe']);

/** The few routes that take files (`multipart/form-data`), by path (e.g. `/api/user/kyc/documents`). */
const MULTIPART_PATHS = new Set<string>();

function pathOf(request: Request): string {
  return (request.originalUrl ?? request.url).split('?')[0].replace(/\/+$/, '');
}

/** Lets `path` (the full path, with `/api`) take `multipart/form-data` bodies too: a file upload route. */
export function acceptMultipartOn(path: string): void {
  MULTIPART_PATHS.add(path);
}

/**
 * The API speaks JSON only: a body of any other media type is refused with 415 before parsing — except forms on the
 * form-posting vendor routes above, and `multipart/form-data` on the upload routes named with
 * {@link acceptMultipartOn}.
 */
export function jsonOnly(request: Request, _response: Response, next: NextFunction): void {
  if (!METHODS_WITH_BODY.has(request.method) || !hasBody(request)) return next();
  const type = request.headers['content-type'] ?? '';
  if (/^application\/(.+\+)?json\s*(;|$)/i.test(type)) return next();
  const path = pathOf(request);
  if (/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type) && FORM_ROUTES.has(path)) return next();
  if (/^multipart\/form-data\s*;/i.test(type) && MULTIPART_PATHS.has(path)) return next();
  next(
    new HttpException(
      {
        code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        message: `Content-Type ${type || '(none)'} is not supported; send application/json`,
      },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    ),
  );
}
