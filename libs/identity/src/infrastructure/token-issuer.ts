import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHmac, randomBytes } from 'node:crypto';
import { AppConfig } from '#monay/shared';

export const JWT_ISSUER = 'monay-wallet';
export const JWT_AUDIENCE = 'monay-api';

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  roles: string[];
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Short-lived HS256 access JWTs and opaque refresh tokens (stored only as an HMAC). */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  newRefreshToken(): { token: string; hash: string; expiresAt: Date } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.auth.refreshTtlDays * 86_400_000);
    return { token, hash: this.hashRefreshToken(token), expiresAt };
  }

  hashRefreshToken(token: string): string {
    return createHmac('sha256', this.config.auth.refreshSecret).update(token).digest('base64url');
  }

  async pair(claims: AccessTokenClaims, refreshToken: string): Promise<TokenPair> {
    const accessToken = await this.jwt.signAsync(
      { sid: claims.sid, roles: claims.roles },
      {
        subject: claims.sub,
        secret: this.config.auth.accessSecret,
        algorithm: 'HS256',
        expiresIn: this.config.auth.accessTtlSeconds,
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      },
    );
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.config.auth.accessTtlSeconds };
  }
}
