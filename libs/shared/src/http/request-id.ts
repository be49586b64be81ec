import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const HEADER = 'x-request-id';
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's `X-Request-Id` when it is sane, else makes one; echoes it on the response. */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const offered = request.headers[HEADER];
  const id = typeof offered === 'string' && ACCEPTABLE.test(offered) ? offered : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

export function requestIdOf(request: IncomingMessage & { id?: unknown }): string {
  return typeof request.id === 'string' ? request.id : 'unknown';
}
