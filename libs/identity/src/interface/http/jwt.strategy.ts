import { Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig, Clock } from '#monay/shared';
import { InvalidTokenError } from '../../domain/identity.errors';
import { SessionRepository } from '../../infrastructure/session.repository';
import { JWT_AUDIENCE, JWT_ISSUER } from '../../infrastructure/token-issuer';
import type { AuthUser } from './auth.decorators';

interface JwtPayload {
  sub: string;
  sid: string;
  roles?: string[];
}

/** HS256 only (so `alg: none` and RS/HS confusion are refused), our issuer and audience, live session. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    config: AppConfig,
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A key object, built once: given a string, jsonwebtoken tries it as a PEM public key (and throws) and then
      // builds a secret key from it on every request.
      secretOrKey: createSecretKey(Buffer.from(config.auth.accessSecret)) as unknown as string,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(payload: JwtPayload): Promise<AuthUser> {
    if (!isUuid(payload.sub) || !isUuid(payload.sid)) throw new InvalidTokenError();
    const session = await this.sessions.authenticate(payload.sid, payload.sub, this.clock.now());
    if (!session) throw new InvalidTokenError();
    return {
      userId: payload.sub,
      sessionId: payload.sid,
      roles: payload.roles ?? [],
      twoFactor: session.twoFactor,
    };
  }
}

function isUuid(value: unknown): value is string {
  return (
    typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
  );
}
