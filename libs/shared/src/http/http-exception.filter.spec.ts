import { ArgumentsHost, BadRequestException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';
import { DomainError, type ErrorKind } from '../kernel/domain-error';
import { HttpExceptionFilter } from './http-exception.filter';

class Refused extends DomainError {
  readonly code = 'INSUFFICIENT_FUNDS';
  constructor(readonly kind: ErrorKind) {
    super('Not enough money', { available: '1.00' });
  }
}

function respond(exception: unknown): { status: number; body: Record<string, unknown> } {
  const captured = { status: 0, body: {} as Record<string, unknown> };
  const headers = new Map<string, string>();
  const response = {
    headersSent: false,
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    getHeaderNames: () => [...headers.keys()],
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value),
    status(code: number) {
      captured.status = code;
      return this;
    },
    json(body: Record<string, unknown>) {
      captured.body = body;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ id: 'req-1', url: '/api/x' }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  const filter = new HttpExceptionFilter();
  (filter as unknown as { logger: { error: () => void } }).logger = { error: () => undefined };
  filter.catch(exception, host);
  return captured;
}

describe('HttpExceptionFilter', () => {
  it.each<[ErrorKind, number]>([
    ['invalid', 400],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['unprocessable', 422],
    ['rate_limited', 429],
    ['unavailable', 503],
  ])('maps a %s domain error to %i with its code and details', (kind, status) => {
    expect(respond(new Refused(kind))).toEqual({
      status,
      body: {
        success: false,
        error: {
          code: 'INSUFFICIENT_FUNDS',
          message: 'Not enough money',
          details: { available: '1.00' },
          requestId: 'req-1',
        },
      },
    });
  });

  it('answers a database that is down with 503 SERVICE_UNAVAILABLE, not 500', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(respond(refused)).toMatchObject({ status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE' } } });
    const shutdown = new QueryFailedError(
      'SELECT 1',
      [],
      Object.assign(new Error('terminating'), { code: '57P01' }),
    );
    expect(respond(shutdown)).toMatchObject({
      status: 503,
      body: { error: { code: 'SERVICE_UNAVAILABLE' } },
    });
    const terminated = new Error('Connection terminated unexpectedly');
    expect(respond(terminated)).toMatchObject({ status: 503 });
    // The server went away mid-transaction: TypeORM released the query runner, the next statement never left.
    expect(respond(new QueryRunnerAlreadyReleasedError())).toMatchObject({ status: 503 });
    expect(respond(new QueryRunnerProviderAlreadyReleasedError())).toMatchObject({ status: 503 });
  });

  it('answers anything unknown with 500 and no internals', () => {
    const { status, body } = respond(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    expect(status).toBe(500);
    expect(body).toEqual({
      success: false,
      error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side', requestId: 'req-1' },
    });
  });

  it('maps framework exceptions to stable codes', () => {
    expect(respond(new NotFoundException())).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(respond(new ThrottlerException())).toMatchObject({
      status: 429,
      body: { error: { code: 'RATE_LIMITED' } },
    });
    expect(respond(new BadRequestException('bad'))).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
  });
});
