import type { Request, Response } from 'express';
import { assertIdempotencyKey } from '../messaging/idempotency';
import type { IdempotentResult } from '../messaging/idempotent-executor';
import { requestIdOf } from './request-id';

/**
 * Sends what an idempotent use case answered, first time or replayed (`Idempotent-Replayed: true`).
 * Stored error answers get this request's id, so the envelope stays `{success:false, error:{…, requestId}}`.
 */
export function sendIdempotent(
  request: Request,
  response: Response,
  result: IdempotentResult,
): Record<string, unknown> {
  if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
  response.status(result.status);
  const error = result.body.error as Record<string, unknown> | undefined;
  if (result.body.success === false && error) {
    return { ...result.body, error: { ...error, requestId: requestIdOf(request) } };
  }
  return result.body;
}

/**
 * The request's Idempotency-Key: the header, or (seed routes) an `idempotencyKey` body field. Required on
 * every money-moving route. Returns the key and the body without it (what the request hash covers).
 */
export function idempotencyKeyOf<B extends { idempotencyKey?: string }>(
  request: Request,
  body: B,
): { key: string; payload: Omit<B, 'idempotencyKey'> } {
  const header = request.headers['idempotency-key'];
  const { idempotencyKey, ...payload } = body;
  return { key: assertIdempotencyKey(typeof header === 'string' ? header : idempotencyKey), payload };
}
