import type { Request } from 'express';
import { requestIdOf } from '#monay/shared';
import type { StepUpContext } from '../../application/step-up/step-up';
import type { ClientInfo } from '../../application/user-view';
import type { AuthUser } from './auth.decorators';

/** Where a request came from: User-Agent (up to 256 characters), address (TRUSTED_PROXIES decides), request id. */
export function clientOf(request: Request): ClientInfo {
  return {
    userAgent: request.headers['user-agent']?.slice(0, 256),
    ip: request.ip,
    requestId: requestIdOf(request),
  };
}

/** The header a client sends its step-up token in. */
export const STEP_UP_HEADER = 'x-step-up-token';

/**
 * What a money route hands to the step-up check with its command: the caller's session, their 2FA state (read
 * with the session), the `X-Step-Up-Token` they sent, and where the request came from.
 */
export function stepUpContextOf(user: AuthUser, request: Request): StepUpContext {
  const header = request.headers[STEP_UP_HEADER];
  return {
    sessionId: user.sessionId,
    twoFactor: user.twoFactor,
    token: typeof header === 'string' && header !== '' ? header : null,
    client: clientOf(request),
  };
}
