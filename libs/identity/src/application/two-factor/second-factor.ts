import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig, Clock } from '#monay/shared';
import { SecurityKeys, normalizeRecoveryCode } from '../../infrastructure/security-keys';
import { TotpAuthenticator } from '../../infrastructure/totp-authenticator';
import { TwoFactorRepository } from '../../infrastructure/two-factor.repository';
import { AttemptLimiter } from '../security/attempt-limiter';

/** A second factor as a client sends it: an authenticator code, or one of the recovery codes. */
export interface SecondFactorProof {
  code?: string;
  recoveryCode?: string;
}

export type SecondFactorUsed = 'totp' | 'recovery_code';

/**
 * Checks a user's second factor, in the caller's transaction (the enrolment row is locked): an authenticator code
 * (RFC 6238, ±1 step) for a time step later than the last one accepted, so each code is accepted once; or an unused
 * recovery code, which is spent. Every try counts against the account's budget (AUTH_THROTTLE_LIMIT per
 * THROTTLE_TTL_SECONDS, in the rate limiter's storage), whichever sign-in challenge or route it comes by.
 */
@Injectable()
export class SecondFactor {
  private readonly budget: { limit: number; windowMs: number };

  constructor(
    private readonly twoFactor: TwoFactorRepository,
    private readonly totp: TotpAuthenticator,
    private readonly keys: SecurityKeys,
    private readonly limiter: AttemptLimiter,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.budget = { limit: config.throttle.authLimit, windowMs: config.throttle.ttlSeconds * 1000 };
  }

  /** One more try on `userId`'s account: 429 RATE_LIMITED with Retry-After past the budget. Call before the check. */
  countAttempt(userId: string): Promise<void> {
    return this.limiter.hit(
      'second-factor',
      userId,
      this.budget.limit,
      this.budget.windowMs,
      'two-factor codes',
    );
  }

  /** Which factor `proof` proved (and used up), or null. The enrolment must be enabled, unless `pending`. */
  async verify(
    tx: EntityManager,
    userId: string,
    proof: SecondFactorProof,
    options: { pending?: boolean } = {},
  ): Promise<SecondFactorUsed | null> {
    const enrolment = await this.twoFactor.enrolment(userId, tx, true);
    if (!enrolment || (enrolment.enabledAt === null) !== Boolean(options.pending)) return null;
    if (proof.code !== undefined) {
      const secret = this.totp.decrypt(enrolment.secretCiphertext, userId);
      const check = await this.totp.check(
        secret,
        proof.code.trim(),
        this.clock.now(),
        enrolment.lastUsedStep,
      );
      if (!check.valid) return null;
      return (await this.twoFactor.useTimeStep(tx, userId, check.timeStep)) ? 'totp' : null;
    }
    if (proof.recoveryCode !== undefined && !options.pending) {
      const spent = await this.twoFactor.useRecoveryCode(
        tx,
        userId,
        this.recoveryHash(userId, proof.recoveryCode),
        this.clock.now(),
      );
      return spent ? 'recovery_code' : null;
    }
    return null;
  }

  recoveryHash(userId: string, recoveryCode: string): string {
    return this.keys.hash(`recovery:${userId}`, normalizeRecoveryCode(recoveryCode));
  }
}
