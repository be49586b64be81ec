import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock, UnitOfWork } from '#monay/shared';
import {
  InvalidPasswordError,
  InvalidTwoFactorCodeError,
  MfaChallengeInvalidError,
  MfaChallengeLockedError,
  TwoFactorAlreadyEnabledError,
  TwoFactorNotEnabledError,
  TwoFactorNotSetUpError,
  UserNotFoundError,
} from '../../domain/identity.errors';
import type { DomainError } from '#monay/kernel';
import { PasswordHasher } from '../../infrastructure/password-hasher';
import { SecurityKeys } from '../../infrastructure/security-keys';
import type { TokenPair } from '../../infrastructure/token-issuer';
import { TotpAuthenticator, type TotpEnrolment } from '../../infrastructure/totp-authenticator';
import { TwoFactorRepository } from '../../infrastructure/two-factor.repository';
import { UserRepository } from '../../infrastructure/user.repository';
import { SecurityLog } from '../security/security-log';
import { SessionOpener } from '../security/session-opener';
import { UserRoles } from '../user-roles';
import { toUserView, type ClientInfo, type UserView } from '../user-view';
import { SecondFactor, type SecondFactorProof } from './second-factor';

export const RECOVERY_CODE_COUNT = 10;
/** A sign-in that passed the password has this long to give its second factor. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes a sign-in challenge takes before it is locked. */
export const CHALLENGE_MAX_ATTEMPTS = 5;

export interface MfaChallenge {
  mfaToken: string;
  expiresAt: Date;
}

/**
 * Two-factor authentication with an authenticator app (TOTP) and recovery codes: enrolment (setup, then a first
 * code to confirm it), disabling (a second factor and the password), and the sign-in challenge that a password
 * sign-in becomes for a user with 2FA on.
 */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly users: UserRepository,
    private readonly twoFactor: TwoFactorRepository,
    private readonly totp: TotpAuthenticator,
    private readonly secondFactor: SecondFactor,
    private readonly keys: SecurityKeys,
    private readonly hasher: PasswordHasher,
    private readonly log: SecurityLog,
    private readonly opener: SessionOpener,
    private readonly roles: UserRoles,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  isEnabled(userId: string): Promise<boolean> {
    return this.twoFactor.isEnabled(userId);
  }

  /** A new secret (replacing an unconfirmed one), for the authenticator app: not in force until confirmed. */
  async setUp(userId: string): Promise<TotpEnrolment> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    if (await this.twoFactor.isEnabled(userId)) throw new TwoFactorAlreadyEnabledError();
    const enrolment = await this.totp.enrol(user.email);
    const saved = await this.twoFactor.savePending(
      userId,
      this.totp.encrypt(enrolment.secret, userId),
      this.clock.now(),
    );
    if (!saved) throw new TwoFactorAlreadyEnabledError();
    return enrolment;
  }

  /** The first code from the app turns 2FA on; the 10 recovery codes are returned now and never again. */
  async confirm(userId: string, code: string, client: ClientInfo): Promise<{ recoveryCodes: string[] }> {
    await this.secondFactor.countAttempt(userId);
    const outcome = await this.uow.run(async (tx): Promise<{ codes: string[] } | { error: DomainError }> => {
      const enrolment = await this.twoFactor.enrolment(userId, tx, true);
      if (!enrolment) return { error: new TwoFactorNotSetUpError() };
      if (enrolment.enabledAt) return { error: new TwoFactorAlreadyEnabledError() };
      const used = await this.secondFactor.verify(tx, userId, { code }, { pending: true });
      if (!used) return { error: new InvalidTwoFactorCodeError() };
      const now = this.clock.now();
      await this.twoFactor.enable(tx, userId, now);
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => this.keys.newRecoveryCode());
      await this.twoFactor.replaceRecoveryCodes(
        tx,
        userId,
        codes.map((recovery) => ({
          id: randomUUID(),
          hash: this.secondFactor.recoveryHash(userId, recovery),
        })),
        now,
      );
      await this.log.securityEvent(tx, userId, '2fa_enabled', client, { recoveryCodes: codes.length });
      return { codes };
    });
    if ('error' in outcome) {
      await this.refused(userId, '2fa_enable_failed', outcome.error, client);
      throw outcome.error;
    }
    return { recoveryCodes: outcome.codes };
  }

  /** 2FA off: the password and a second factor (an authenticator code or a recovery code), both right. */
  async disable(
    userId: string,
    proof: SecondFactorProof & { password: string },
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    if (!(await this.twoFactor.isEnabled(userId))) throw new TwoFactorNotEnabledError();
    await this.secondFactor.countAttempt(userId);
    if (!(await this.hasher.verify(proof.password, user.passwordHash))) {
      const error = new InvalidPasswordError();
      await this.refused(userId, '2fa_disable_failed', error, client);
      throw error;
    }
    const outcome = await this.uow.run(async (tx): Promise<DomainError | null> => {
      const used = await this.secondFactor.verify(tx, userId, proof);
      if (!used) return new InvalidTwoFactorCodeError();
      await this.twoFactor.remove(tx, userId);
      await this.log.securityEvent(tx, userId, '2fa_disabled', client, { with: used });
      return null;
    });
    if (outcome) {
      await this.refused(userId, '2fa_disable_failed', outcome, client);
      throw outcome;
    }
  }

  /** After the right password, for a user with 2FA on: a challenge instead of a session. */
  async openChallenge(userId: string, client: ClientInfo): Promise<MfaChallenge> {
    const now = this.clock.now();
    const mfaToken = this.keys.newToken();
    const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
    await this.uow.run((tx) =>
      this.twoFactor.openChallenge(tx, {
        id: randomUUID(),
        userId,
        tokenHash: this.keys.hash('mfa-challenge', mfaToken),
        expiresAt,
        createdAt: now,
        ip: client.ip ?? null,
        userAgent: client.userAgent ?? null,
      }),
    );
    return { mfaToken, expiresAt };
  }

  /**
   * The second step of a sign-in: the challenge's token and a second factor. Right → the session (as a password
   * sign-in without 2FA gives); wrong → counted, and the fifth wrong code locks the challenge (even the right code is
   * refused after it: sign in again). The token is good for one session, for 5 minutes.
   */
  async completeChallenge(
    mfaToken: string,
    proof: SecondFactorProof,
    client: ClientInfo,
  ): Promise<{ user: UserView; tokens: TokenPair }> {
    const tokenHash = this.keys.hash('mfa-challenge', mfaToken);
    const peek = await this.uow.run((tx) => this.twoFactor.challengeByToken(tx, tokenHash));
    if (!peek) throw new MfaChallengeInvalidError();
    await this.secondFactor.countAttempt(peek.userId);
    const outcome = await this.uow.run(
      async (tx): Promise<{ error: DomainError } | { user: UserView; sign: () => Promise<TokenPair> }> => {
        const challenge = await this.twoFactor.challengeByToken(tx, tokenHash);
        const now = this.clock.now();
        if (!challenge || challenge.completedAt || challenge.expiresAt.getTime() <= now.getTime()) {
          return { error: new MfaChallengeInvalidError() };
        }
        if (challenge.attempts >= CHALLENGE_MAX_ATTEMPTS) return { error: new MfaChallengeLockedError() };
        const user = await this.users.lock(tx, challenge.userId);
        if (!user || user.status !== 'active') return { error: new MfaChallengeInvalidError() };
        const used = await this.secondFactor.verify(tx, user.id, proof);
        if (!used) {
          const attempts = await this.twoFactor.challengeAttemptFailed(tx, challenge.id);
          return { error: new InvalidTwoFactorCodeError(Math.max(0, CHALLENGE_MAX_ATTEMPTS - attempts)) };
        }
        await this.twoFactor.completeChallenge(tx, challenge.id, now);
        if (used === 'recovery_code') {
          const left = await this.twoFactor.remainingRecoveryCodes(tx, user.id);
          await this.log.securityEvent(tx, user.id, 'recovery_code_used', client, { remaining: left });
        }
        const sign = await this.opener.open(tx, user, client, { secondFactor: used });
        return { user: toUserView(user, this.roles.of(user)), sign };
      },
    );
    if ('error' in outcome) {
      await this.refused(peek.userId, 'sign_in_failed', outcome.error, client, { step: 'second_factor' });
      throw outcome.error;
    }
    return { user: outcome.user, tokens: await outcome.sign() };
  }

  private refused(
    userId: string,
    action: string,
    error: DomainError,
    client: ClientInfo,
    details: Record<string, string> = {},
  ): Promise<void> {
    return this.log.recordAlone(
      {
        action,
        outcome: 'failure',
        actorUserId: userId,
        subjectUserId: userId,
        details: { ...details, code: error.code },
      },
      client,
    );
  }
}
