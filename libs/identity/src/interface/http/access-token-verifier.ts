import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { InvalidTokenError } from '../../domain/identity.errors';
import type { AuthUser } from './auth.decorators';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';

/** Who holds a verified access token, and until when it is valid. */
export interface VerifiedAccessToken extends AuthUser {
  expiresAt: Date;
}

/**
 * Verifies a raw access token (a WebSocket handshake's, say) exactly as an HTTP request's bearer token is
 * verified: it runs the HTTP {@link JwtStrategy} itself (HS256 only, issuer, audience, expiry, live session)
 * the way passport runs it, and maps the outcome through {@link JwtAuthGuard.handleRequest}, so a refusal is
 * the same {@link InvalidTokenError} (`INVALID_TOKEN` or `TOKEN_EXPIRED`). Nothing is checked twice or differently.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly strategy: JwtStrategy,
    private readonly guard: JwtAuthGuard,
    private readonly jwt: JwtService,
  ) {}

  async verify(token: string): Promise<VerifiedAccessToken> {
    if (token === '') throw new InvalidTokenError();
    const user = await new Promise<AuthUser>((resolve, reject) => {
      const settle = (error: unknown, found: AuthUser | false, info?: unknown) => {
        try {
          resolve(this.guard.handleRequest(error, found, info));
        } catch (refusal) {
          reject(refusal instanceof Error ? refusal : new InvalidTokenError());
        }
      };
      // What passport's authenticate() does: a per-attempt object whose success/fail/error settle the attempt.
      const attempt = Object.create(this.strategy) as JwtStrategy;
      attempt.success = (found: AuthUser) => settle(null, found);
      attempt.fail = (info: unknown) => settle(null, false, info);
      attempt.error = (error: unknown) => settle(error, false);
      attempt.redirect = () => settle(null, false);
      attempt.pass = () => settle(null, false);
      attempt.authenticate({ headers: { authorization: `Bearer ${token}` } } as Request);
    });
    // The strategy has verified the signature and `exp`, so reading the claim now is safe.
    const { exp } = this.jwt.decode<{ exp?: number }>(token);
    if (typeof exp !== 'number') throw new InvalidTokenError();
    return { ...user, expiresAt: new Date(exp * 1000) };
  }
}
