import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppConfig, Clock } from '#monay/shared';
import {
  InvalidVerificationCodeError,
  VerificationCodeExpiredError,
  VerificationCodeLockedError,
  VerificationNotRequestedError,
} from '../../domain/identity.errors';
import {
  CODE_MAX_ATTEMPTS,
  CODE_TTL_MS,
  judgeCode,
  type CodePurpose,
  type StoredCode,
} from '../../domain/one-time-code';
import type { DomainError } from '#monay/kernel';
import { SecurityKeys } from '../../infrastructure/security-keys';
import {
  VerificationCodeRepository,
  type CodeOwner,
} from '../../infrastructure/verification-code.repository';
import { AttemptLimiter } from '../security/attempt-limiter';
import { VERIFICATION_SENDER, type VerificationSender } from './verification-sender.port';

const HOUR_MS = 3_600_000;
/** However often a minute allows, at most this many codes of one purpose an hour to one account (or address). */
const SENDS_PER_HOUR = 10;

export interface IssuedCode {
  expiresAt: Date;
}

/** What checking a typed code came to: the code (accepted), or the refusal to answer once the check committed. */
export type CodeCheck = { accepted: true; code: StoredCode } | { accepted: false; error: DomainError };

/**
 * One-time codes (6 digits, 10 minutes by the application clock, 5 tries, stored as HMACs): issued and sent through
 * the {@link VerificationSender} port, checked against what was typed. Sending is limited per account (or per
 * address, for password resets) in the rate limiter's storage: one a VERIFICATION_RESEND_SECONDS, ten an hour;
 * past that, 429 with Retry-After.
 */
@Injectable()
export class OneTimeCodes {
  private readonly logger = new Logger('OneTimeCodes');
  private readonly resendMs: number;

  constructor(
    private readonly codes: VerificationCodeRepository,
    private readonly keys: SecurityKeys,
    private readonly limiter: AttemptLimiter,
    private readonly clock: Clock,
    @Inject(VERIFICATION_SENDER) private readonly sender: VerificationSender,
    config: AppConfig,
  ) {
    this.resendMs = config.security.verificationResendSeconds * 1000;
  }

  /** Counts one send of `purpose` for `who` (a user id or an address): 429 when it comes too soon. */
  async allowSend(purpose: CodePurpose, who: string): Promise<void> {
    await this.limiter.hit(`code-send:${purpose}`, who, 1, this.resendMs, 'codes requested');
    await this.limiter.hit(`code-send-hourly:${purpose}`, who, SENDS_PER_HOUR, HOUR_MS, 'codes requested');
  }

  /**
   * A new code for `purpose`, replacing any open one of the same owner, in the caller's transaction. Returns the
   * code in clear for {@link deliver}, which runs after the commit.
   */
  async issue(
    tx: EntityManager,
    request: {
      userId: string | null;
      purpose: CodePurpose;
      channel: 'email' | 'sms';
      destination: string;
      withLink?: boolean;
    },
  ): Promise<{ code: string; linkToken?: string; expiresAt: Date }> {
    const now = this.clock.now();
    const owner: CodeOwner = request.userId
      ? { userId: request.userId }
      : { destination: request.destination };
    await this.codes.supersede(tx, request.purpose, owner, now);
    const code = this.keys.newCode();
    const linkToken = request.withLink ? this.keys.newToken() : undefined;
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    await this.codes.insert(tx, {
      id: randomUUID(),
      userId: request.userId,
      purpose: request.purpose,
      channel: request.channel,
      destination: request.destination,
      codeHash: this.hashOf(request.purpose, request.destination, code),
      linkTokenHash: linkToken ? this.keys.hash('link', linkToken) : null,
      attempts: 0,
      maxAttempts: CODE_MAX_ATTEMPTS,
      expiresAt,
      createdAt: now,
    });
    return { code, ...(linkToken && { linkToken }), expiresAt };
  }

  async deliver(
    message: { channel: 'email' | 'sms'; to: string; purpose: CodePurpose },
    issued: { code: string; linkToken?: string; expiresAt: Date },
  ): Promise<void> {
    await this.sender.send({ ...message, ...issued });
  }

  /** {@link deliver} without waiting: a failure is logged (used where the answer must not depend on it). */
  deliverInBackground(
    message: { channel: 'email' | 'sms'; to: string; purpose: CodePurpose },
    issued: { code: string; linkToken?: string; expiresAt: Date },
  ): void {
    this.deliver(message, issued).catch((error: unknown) =>
      this.logger.warn({ err: error, purpose: message.purpose }, 'A verification code could not be sent'),
    );
  }

  /**
   * Checks `typed` against the owner's open code of `purpose`, in the caller's transaction. A wrong try is counted
   * (and the fifth closes the code) in that transaction, which must commit: the refusal is returned, not thrown.
   */
  async check(
    tx: EntityManager,
    purpose: CodePurpose,
    owner: CodeOwner,
    typed: { code: string } | { linkToken: string },
  ): Promise<CodeCheck> {
    const now = this.clock.now();
    const stored =
      'linkToken' in typed
        ? await this.codes.byLinkToken(tx, this.keys.hash('link', typed.linkToken))
        : await this.codes.latestOpen(tx, purpose, owner);
    const ownedByCaller =
      stored !== undefined &&
      stored.purpose === purpose &&
      ('userId' in owner ? stored.userId === owner.userId : stored.destination === owner.destination);
    if (!stored || !ownedByCaller) {
      return {
        accepted: false,
        error:
          'linkToken' in typed ? new InvalidVerificationCodeError(0) : new VerificationNotRequestedError(),
      };
    }
    const matches =
      'linkToken' in typed || this.hashOf(purpose, stored.destination, typed.code) === stored.codeHash;
    const verdict = judgeCode(stored, matches, now);
    switch (verdict.outcome) {
      case 'accepted':
        await this.codes.consume(tx, stored.id, now);
        return { accepted: true, code: stored };
      case 'wrong':
        await this.codes.wrongAttempt(tx, stored.id, verdict.locksNow);
        return { accepted: false, error: new InvalidVerificationCodeError(verdict.attemptsLeft) };
      case 'expired':
        return { accepted: false, error: new VerificationCodeExpiredError() };
      case 'locked':
        return { accepted: false, error: new VerificationCodeLockedError() };
    }
  }

  private hashOf(purpose: CodePurpose, destination: string, code: string): string {
    return this.keys.hash(`code:${purpose}:${destination}`, code.trim());
  }
}
