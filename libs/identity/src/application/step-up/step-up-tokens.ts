import { Injectable } from '@nestjs/common';
import { Clock } from '#monay/shared';
import { SecurityKeys } from '../../infrastructure/security-keys';

/** How long a step-up lasts. */
export const STEP_UP_TTL_MS = 5 * 60_000;

export type StepUpTokenState = 'valid' | 'missing' | 'invalid' | 'expired';

interface Claims {
  v: 1;
  sub: string;
  sid: string;
  /** Expiry, in milliseconds of the application clock. */
  exp: number;
}

/**
 * Step-up tokens: proof of a fresh second factor, for 5 minutes (the application clock), bound to the user and to
 * the session that gave it (a token copied to another session is worthless). While it lasts, the session may make
 * risky money moves without asking again, as "sudo mode" does. Stateless: `<claims>.<HMAC>`, base64url.
 */
@Injectable()
export class StepUpTokens {
  constructor(
    private readonly keys: SecurityKeys,
    private readonly clock: Clock,
  ) {}

  issue(userId: string, sessionId: string): { token: string; expiresAt: Date } {
    const expiresAt = new Date(this.clock.now().getTime() + STEP_UP_TTL_MS);
    const claims: Claims = { v: 1, sub: userId, sid: sessionId, exp: expiresAt.getTime() };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${body}.${this.keys.sign(body)}`, expiresAt };
  }

  check(token: string | null | undefined, userId: string, sessionId: string): StepUpTokenState {
    if (token === null || token === undefined || token === '') return 'missing';
    const [body, signature, ...rest] = token.split('.');
    if (!body || !signature || rest.length > 0 || token.length > 512) return 'invalid';
    if (!this.keys.verifySignature(body, signature)) return 'invalid';
    let claims: Partial<Claims>;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Claims>;
    } catch {
      return 'invalid';
    }
    if (
      claims.v !== 1 ||
      claims.sub !== userId ||
      claims.sid !== sessionId ||
      typeof claims.exp !== 'number'
    ) {
      return 'invalid';
    }
    return claims.exp > this.clock.now().getTime() ? 'valid' : 'expired';
  }
}
