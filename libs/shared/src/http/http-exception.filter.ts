import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode, ErrorKind } from '../kernel/domain-error';
import { isDatabaseUnavailable } from '../database/database-errors';
import { errorEnvelope } from './error-envelope';
import { allowedMethods } from './method-not-allowed';
import { requestIdOf } from './request-id';

const statusOfKind: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const codeOfStatus: Record<number, string> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHORIZED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.METHOD_NOT_ALLOWED,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** Errors that body-parser raises before any route runs; they carry `type` and `status`. */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

interface Mapped {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/**
 * Whether the request reached a route handler. Express sets `request.route` to the last route that matched;
 * Nest's module middleware is mounted as wildcard routes (`/api{/*splat}`), which are not endpoints.
 */
function reachedAnEndpoint(request: Request): boolean {
  const path: unknown = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && !path.includes('*');
}

/**
 * Every 429 says when to come back in `Retry-After` (seconds). A domain refusal carries it as
 * `retryAfterSeconds`; the throttler sets `Retry-After-<throttler>` for its named throttlers (sign-in per address
 * and per account), which is copied to the standard header so clients need not know the throttlers' names.
 */
function setRetryAfter(response: Response, exception: unknown): void {
  if (typeof response.setHeader !== 'function') return;
  if (exception instanceof DomainError && typeof exception.retryAfterSeconds === 'number') {
    response.setHeader('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
    return;
  }
  if (response.getHeader('Retry-After') !== undefined) return;
  const named = response
    .getHeaderNames()
    .filter((name) => name.toLowerCase().startsWith('retry-after-'))
    .map((name) => Number(response.getHeader(name)))
    .filter((seconds) => Number.isFinite(seconds));
  if (named.length > 0) response.setHeader('Retry-After', String(Math.max(1, ...named)));
}

/**
 * The one place errors become responses: `{success:false, error:{code, message, details?, requestId}}`.
 * Anything it does not recognise is a bug: logged with the request id, answered 500 without internals.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const requestId = requestIdOf(request);
    const mapped = this.methodNotAllowed(exception, request, response) ?? this.map(exception);
    if (mapped.status >= 500 && mapped.code === ErrorCode.INTERNAL_ERROR) {
      this.logger.error({ err: exception, requestId, path: request.url }, 'Unhandled error');
    }
    if (response.headersSent) return;
    if (mapped.status === 429) setRetryAfter(response, exception);
    response
      .status(mapped.status)
      .json(errorEnvelope(mapped.code, mapped.message, requestId, mapped.details));
  }

  /**
   * No route matched, but the path exists under other methods (DELETE on a path that has only GET): 405 with
   * `Allow` listing them, rather than a 404 that says the path does not exist. Only for the router's own
   * not-found (no endpoint matched), never for a handler's answer.
   */
  private methodNotAllowed(exception: unknown, request: Request, response: Response): Mapped | null {
    if (!(exception instanceof NotFoundException) || reachedAnEndpoint(request)) return null;
    const allowed = allowedMethods(request);
    if (allowed.length === 0 || allowed.includes(request.method)) return null;
    response.setHeader('Allow', allowed.join(', '));
    return {
      status: HttpStatus.METHOD_NOT_ALLOWED,
      code: ErrorCode.METHOD_NOT_ALLOWED,
      message: `${request.method} is not allowed here; allowed: ${allowed.join(', ')}`,
    };
  }

  private map(exception: unknown): Mapped {
    if (exception instanceof DomainError) {
      return {
        status: statusOfKind[exception.kind],
        code: exception.code,
        message: exception.message,
        details: exception.details,
      };
    }
    if (exception instanceof ThrottlerException) {
      return { status: 429, code: ErrorCode.RATE_LIMITED, message: 'Too many requests, slow down' };
    }
    // body-parser's errors arrive wrapped by the Express adapter; the original says what went wrong.
    const original =
      exception instanceof HttpException && isBodyParserError(exception.cause) ? exception.cause : exception;
    if (original instanceof HttpException) {
      return this.mapHttpException(original);
    }
    if (isBodyParserError(original)) {
      const exception = original;
      if (exception.type === 'entity.parse.failed') {
        return { status: 400, code: ErrorCode.MALFORMED_JSON, message: 'The request body is not valid JSON' };
      }
      if (exception.type === 'entity.too.large') {
        return { status: 413, code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'The request body is too large' };
      }
      if (exception.status >= 400 && exception.status < 500) {
        return {
          status: exception.status,
          code: codeOfStatus[exception.status] ?? ErrorCode.VALIDATION_FAILED,
          message: 'The request body could not be read',
        };
      }
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        status: 503,
        code: ErrorCode.SERVICE_UNAVAILABLE,
        message: 'The service is temporarily unavailable, retry shortly',
      };
    }
    return { status: 500, code: ErrorCode.INTERNAL_ERROR, message: 'Something went wrong on our side' };
  }

  private mapHttpException(exception: HttpException): Mapped {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'object' && body !== null && 'code' in body) {
      const { code, message, details } = body as { code: string; message?: string; details?: unknown };
      return { status, code, message: message ?? exception.message, details };
    }
    const code =
      codeOfStatus[status] ?? (status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_FAILED);
    const message = status === 404 ? 'Resource not found' : exception.message;
    // Terminus answers 503 with which component is down; keep that for the caller.
    const details = typeof body === 'object' && body !== null && 'details' in body ? body.details : undefined;
    return { status, code, message, details };
  }
}
