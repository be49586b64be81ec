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
const FORM_ROUTES = ['/api/webhooks/notifications/twilio', '/api/notifications/unsubscribe'];

/**
 * The API speaks JSON only: a body of any other media type is refused with 415 before parsing (the form-posting
 * vendor routes above excepted).
 */
export function jsonOnly(request: Request, _response: Response, next: NextFunction): void {
  if (!METHODS_WITH_BODY.has(request.method) || !hasBody(request)) return next();
  const type = request.headers['content-type'] ?? '';
  if (/^application\/(.+\+)?json\s*(;|$)/i.test(type)) return next();
  const path = request.originalUrl.split('?')[0];
  if (/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type) && FORM_ROUTES.includes(path)) return next();
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
