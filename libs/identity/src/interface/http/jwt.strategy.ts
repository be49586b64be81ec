import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '#monay/shared';
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
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.auth.accessSecret,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(payload: JwtPayload): Promise<AuthUser> {
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new InvalidTokenError();
    if (!(await this.sessions.isActive(payload.sid, payload.sub))) throw new InvalidTokenError();
    return { userId: payload.sub, sessionId: payload.sid, roles: payload.roles ?? [] };
  }
}
