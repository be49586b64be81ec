import { Injectable } from '@nestjs/common';
import type { DomainError } from '#monay/kernel';
import { Clock, UnitOfWork } from '#monay/shared';
import { assertPasswordPolicy, normalizeEmail } from '../../domain/credentials';
import {
  InvalidPasswordError,
  InvalidVerificationCodeError,
  UserNotFoundError,
} from '../../domain/identity.errors';
import { PasswordHasher } from '../../infrastructure/password-hasher';
import { UserRepository } from '../../infrastructure/user.repository';
import { SecurityLog } from '../security/security-log';
import { SessionRevocations } from '../security/session-revocations';
import type { ClientInfo } from '../user-view';
import { OneTimeCodes } from '../verification/one-time-codes';

/**
 * Changing a password (the current one, then every other session ends) and resetting a forgotten one by a code
 * sent to the account's email, without telling anyone whether an email has an account.
 */
@Injectable()
export class PasswordService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly codes: OneTimeCodes,
    private readonly revocations: SessionRevocations,
    private readonly log: SecurityLog,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The current password, then the new one: every other session of the user ends (this one goes on). */
  async change(
    userId: string,
    sessionId: string,
    passwords: { currentPassword: string; newPassword: string },
    client: ClientInfo,
  ): Promise<{ revokedSessions: number }> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    if (!(await this.hasher.verify(passwords.currentPassword, user.passwordHash))) {
      await this.log.recordAlone(
        { action: 'password_change_failed', outcome: 'failure', actorUserId: userId, subjectUserId: userId },
        client,
      );
      throw new InvalidPasswordError();
    }
    assertPasswordPolicy(passwords.newPassword, user.email);
    const hash = await this.hasher.hash(passwords.newPassword);
    const revoked = await this.uow.run(async (tx) => {
      await this.users.setPasswordHash(tx, userId, hash, this.clock.now());
      const ids = await this.revocations.revoke(tx, { userId, except: sessionId }, 'password_changed');
      await this.log.securityEvent(tx, userId, 'password_changed', client, { revokedSessions: ids.length });
      return ids.length;
    });
    this.revocations.published();
    return { revokedSessions: revoked };
  }

  /**
   * A reset code to `email` if an account has it. The answer is the same either way, and so is the work: the code
   * is made and stored (without an account for an unknown email), the send limit counts per address, and delivery
   * happens after the answer, so its time says nothing either.
   */
  async requestReset(email: string, client: ClientInfo): Promise<void> {
    const address = normalizeEmail(email);
    await this.codes.allowSend('password_reset', address);
    const user = await this.users.findByEmail(address);
    const account = user && user.status === 'active' ? user : null;
    const issued = await this.uow.run(async (tx) => {
      const code = await this.codes.issue(tx, {
        userId: null,
        purpose: 'password_reset',
        channel: 'email',
        destination: address,
      });
      await this.log.record(
        tx,
        {
          action: 'password_reset_requested',
          subjectUserId: account?.id ?? null,
          details: account ? {} : { email: address, account: false },
        },
        client,
      );
      return code;
    });
    if (account) {
      this.codes.deliverInBackground({ channel: 'email', to: address, purpose: 'password_reset' }, issued);
    }
  }

  /**
   * The emailed code and a new password: the password changes and every session of the user ends (sign in again).
   * A wrong code, a code for an email no account has, or no code at all: the same INVALID_VERIFICATION_CODE.
   */
  async reset(
    input: { email: string; code: string; newPassword: string },
    client: ClientInfo,
  ): Promise<void> {
    const address = normalizeEmail(input.email);
    assertPasswordPolicy(input.newPassword, address);
    const user = await this.users.findByEmail(address);
    const account = user && user.status === 'active' ? user : null;
    // Hashed before the transaction (scrypt takes a while), whether or not it will be used.
    const hash = await this.hasher.hash(input.newPassword);
    const outcome = await this.uow.run(async (tx): Promise<DomainError | null> => {
      const check = await this.codes.check(
        tx,
        'password_reset',
        { destination: address },
        { code: input.code },
      );
      if (!check.accepted) {
        return check.error.code === 'VERIFICATION_NOT_REQUESTED'
          ? new InvalidVerificationCodeError(0)
          : check.error;
      }
      if (!account) return new InvalidVerificationCodeError(0);
      await this.users.setPasswordHash(tx, account.id, hash, this.clock.now());
      const ids = await this.revocations.revoke(tx, { userId: account.id }, 'password_reset');
      await this.log.securityEvent(tx, account.id, 'password_reset', client, { revokedSessions: ids.length });
      return null;
    });
    if (outcome) {
      await this.log.recordAlone(
        {
          action: 'password_reset_failed',
          outcome: 'failure',
          subjectUserId: account?.id ?? null,
          details: account ? { code: outcome.code } : { code: outcome.code, email: address },
        },
        client,
      );
      throw outcome;
    }
    this.revocations.published();
  }
}
