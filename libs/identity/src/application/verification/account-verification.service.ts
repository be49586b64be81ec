import { Injectable } from '@nestjs/common';
import { AppConfig, UnitOfWork, Clock } from '#monay/shared';
import type { DomainError } from '#monay/kernel';
import { normalizePhone } from '../../domain/credentials';
import {
  AlreadyVerifiedError,
  PhoneNumberRequiredError,
  UserNotFoundError,
} from '../../domain/identity.errors';
import { UserRepository } from '../../infrastructure/user.repository';
import { SecurityLog } from '../security/security-log';
import type { ClientInfo } from '../user-view';
import { OneTimeCodes } from './one-time-codes';

/** Where a code went, as the client may show it ("a***@e***.com"), and until when it is good. */
export interface CodeSent {
  channel: 'email' | 'sms';
  sentTo: string;
  expiresAt: Date;
}

/**
 * Proving an email address or a phone number: a one-time code sent there (an email also carries a link token for
 * the app) and typed back. A verified email is what lets roles from ADMIN_EMAILS apply (UserRoles).
 */
@Injectable()
export class AccountVerificationService {
  constructor(
    private readonly users: UserRepository,
    private readonly codes: OneTimeCodes,
    private readonly log: SecurityLog,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async requestEmail(userId: string): Promise<CodeSent> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    if (user.emailVerifiedAt) throw new AlreadyVerifiedError('email');
    await this.codes.allowSend('email_verification', userId);
    const issued = await this.uow.run((tx) =>
      this.codes.issue(tx, {
        userId,
        purpose: 'email_verification',
        channel: 'email',
        destination: user.email,
        withLink: true,
      }),
    );
    await this.codes.deliver({ channel: 'email', to: user.email, purpose: 'email_verification' }, issued);
    return { channel: 'email', sentTo: maskEmail(user.email), expiresAt: issued.expiresAt };
  }

  /** The code (or the email's link token): the address is verified; ADMIN_EMAILS may now make the user an admin. */
  async confirmEmail(
    userId: string,
    typed: { code: string } | { linkToken: string },
    client: ClientInfo,
  ): Promise<{ emailVerifiedAt: Date }> {
    const outcome = await this.uow.run(async (tx): Promise<{ at: Date } | { error: DomainError }> => {
      const user = await this.users.lock(tx, userId);
      if (!user) return { error: new UserNotFoundError() };
      if (user.emailVerifiedAt) return { error: new AlreadyVerifiedError('email') };
      const check = await this.codes.check(tx, 'email_verification', { userId }, typed);
      if (!check.accepted) return { error: check.error };
      const now = this.clock.now();
      // A code sent to an address the account no longer has proves nothing about the current one.
      if (!(await this.users.markEmailVerified(tx, userId, check.code.destination, now))) {
        return { error: new UserNotFoundError() };
      }
      await this.log.securityEvent(tx, userId, 'email_verified', client, { email: maskEmail(user.email) });
      if (this.config.adminEmails.has(user.email) && !user.roles.includes('admin')) {
        await this.log.record(
          tx,
          {
            action: 'role_granted',
            actorUserId: userId,
            subjectUserId: userId,
            target: 'role:admin',
            details: { role: 'admin', source: 'ADMIN_EMAILS' },
          },
          client,
        );
      }
      return { at: now };
    });
    if ('error' in outcome) {
      await this.refused(userId, 'email_verification_failed', outcome.error, client);
      throw outcome.error;
    }
    return { emailVerifiedAt: outcome.at };
  }

  /** A code by SMS to `phone` (a new number), or to the account's number. */
  async requestPhone(userId: string, phone: string | undefined): Promise<CodeSent> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    const destination = phone !== undefined ? normalizePhone(phone) : user.phone;
    if (!destination) throw new PhoneNumberRequiredError();
    if (destination === user.phone && user.phoneVerifiedAt) throw new AlreadyVerifiedError('phone');
    await this.codes.allowSend('phone_verification', userId);
    const issued = await this.uow.run((tx) =>
      this.codes.issue(tx, { userId, purpose: 'phone_verification', channel: 'sms', destination }),
    );
    await this.codes.deliver({ channel: 'sms', to: destination, purpose: 'phone_verification' }, issued);
    return { channel: 'sms', sentTo: maskPhone(destination), expiresAt: issued.expiresAt };
  }

  /** The SMS code: the number it went to becomes the account's, verified (PHONE_TAKEN if another account has it). */
  async confirmPhone(
    userId: string,
    code: string,
    client: ClientInfo,
  ): Promise<{ phone: string; phoneVerifiedAt: Date }> {
    const outcome = await this.uow.run(
      async (tx): Promise<{ phone: string; at: Date } | { error: DomainError }> => {
        const user = await this.users.lock(tx, userId);
        if (!user) return { error: new UserNotFoundError() };
        const check = await this.codes.check(tx, 'phone_verification', { userId }, { code });
        if (!check.accepted) return { error: check.error };
        const now = this.clock.now();
        await this.users.setVerifiedPhone(tx, userId, check.code.destination, now);
        await this.log.securityEvent(tx, userId, 'phone_verified', client, {
          phone: maskPhone(check.code.destination),
        });
        return { phone: check.code.destination, at: now };
      },
    );
    if ('error' in outcome) {
      await this.refused(userId, 'phone_verification_failed', outcome.error, client);
      throw outcome.error;
    }
    return { phone: outcome.phone, phoneVerifiedAt: outcome.at };
  }

  private refused(userId: string, action: string, error: DomainError, client: ClientInfo): Promise<void> {
    return this.log.recordAlone(
      {
        action,
        outcome: 'failure',
        actorUserId: userId,
        subjectUserId: userId,
        details: { code: error.code },
      },
      client,
    );
  }
}

/** "alice@example.com" → "a***@e***.com". */
export function maskEmail(email: string): string {
  const [local, domain = ''] = email.split('@');
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}***@${host.slice(0, 1)}***${tld}`;
}

/** "+14155550100" → "+1 *** *** 0100". */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, phone.length > 11 ? 2 : 1)} *** *** ${phone.slice(-4)}`;
}
