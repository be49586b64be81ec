import { Injectable } from '@nestjs/common';
import { Money } from '#monay/kernel';
import type { DomainError } from '#monay/kernel';
import { AppConfig, UnitOfWork } from '#monay/shared';
import {
  InvalidTwoFactorCodeError,
  StepUpMethodUnavailableError,
  StepUpRequiredError,
  UserNotFoundError,
} from '../../domain/identity.errors';
import {
  decideStepUp,
  stepUpMethods,
  type StepUpFacts,
  type StepUpOperation,
  type StepUpThresholds,
} from '../../domain/step-up.policy';
import { UserRepository } from '../../infrastructure/user.repository';
import { SecurityLog } from '../security/security-log';
import { SecondFactor, type SecondFactorProof } from '../two-factor/second-factor';
import type { ClientInfo } from '../user-view';
import { maskEmail, maskPhone, type CodeSent } from '../verification/account-verification.service';
import { OneTimeCodes } from '../verification/one-time-codes';
import { StepUpTokens } from './step-up-tokens';

/** What a request brings to a step-up check: who is asking, with which session, and the token it sent. */
export interface StepUpContext {
  sessionId: string;
  /** Whether the user has 2FA on, as the access-token check read it with the session (AuthUser.twoFactor). */
  twoFactor: boolean;
  /** The `X-Step-Up-Token` header, if any. */
  token: string | null;
  client: ClientInfo;
}

/** A fact that costs a query: gathered only when it could change the answer. */
export type LazyFact = boolean | (() => Promise<boolean>);

/** What the context performing a risky operation knows of it (has2fa comes from the {@link StepUpContext}). */
export interface StepUpCheck {
  userId: string;
  context: StepUpContext;
  operation: StepUpOperation;
  /** The operation's total in USD (scale 2), or null when it moves no money. */
  amountUsd: Money | null;
  /** Money to a Monay user the sender never completed a transfer to (some of the recipients, for a batch). */
  newRecipient?: LazyFact;
  /** A payout to an external destination the user never completed one to. */
  newDestination?: LazyFact;
  /**
   * Whether this very request (Idempotency-Key and body) was answered already: then it passes, for the caller
   * replays the stored answer ("same key, same body, same answer"), even when its step-up token has expired since.
   * Asked only when the check would refuse.
   */
  alreadyAnswered?: () => Promise<boolean>;
}

/**
 * Step-up for risky money moves and sensitive changes: the identity context's public service. The money contexts
 * gather the facts (amount in USD, new recipient, new destination) and call {@link assert} BEFORE claiming their
 * Idempotency-Key, so a refusal (403 STEP_UP_REQUIRED) is not stored and the same key succeeds when the client
 * retries with `X-Step-Up-Token`. The decision itself is the pure policy `decideStepUp`.
 */
@Injectable()
export class StepUp {
  private readonly thresholds: StepUpThresholds;

  constructor(
    private readonly tokens: StepUpTokens,
    private readonly users: UserRepository,
    private readonly secondFactor: SecondFactor,
    private readonly codes: OneTimeCodes,
    private readonly log: SecurityLog,
    private readonly uow: UnitOfWork,
    config: AppConfig,
  ) {
    this.thresholds = {
      amountUsd: Money.parse(config.security.stepUpAmountUsd, 'USD'),
      newRecipientMinUsd: Money.parse(config.security.stepUpNewRecipientMinUsd, 'USD'),
    };
  }

  /**
   * Passes when the operation needs no step-up, or the request carries a valid step-up token of this session;
   * otherwise throws StepUpRequiredError with the methods the user may step up with. Costly facts are gathered
   * only if they could change the answer (the policy is monotonic: with them all true, is a step-up needed?), so
   * an everyday payment reads nothing.
   */
  async assert(check: StepUpCheck): Promise<void> {
    const facts: StepUpFacts = {
      operation: check.operation,
      has2fa: check.context.twoFactor,
      amountUsd: check.amountUsd,
      newRecipient: check.newRecipient === true,
      newDestination: check.newDestination === true,
      trustedContact: false, // no contacts yet
    };
    let decision = decideStepUp(facts, this.thresholds);
    if (!decision.required) {
      const lazyRecipient = typeof check.newRecipient === 'function' ? check.newRecipient : undefined;
      const lazyDestination = typeof check.newDestination === 'function' ? check.newDestination : undefined;
      const worstCase = {
        ...facts,
        newRecipient: facts.newRecipient || lazyRecipient !== undefined,
        newDestination: facts.newDestination || lazyDestination !== undefined,
      };
      if (decideStepUp(worstCase, this.thresholds).required) {
        const [newRecipient, newDestination] = await Promise.all([
          lazyRecipient ? lazyRecipient() : facts.newRecipient,
          lazyDestination ? lazyDestination() : facts.newDestination,
        ]);
        decision = decideStepUp({ ...facts, newRecipient, newDestination }, this.thresholds);
      }
    }
    if (!decision.required) return;
    const state = this.tokens.check(check.context.token, check.userId, check.context.sessionId);
    if (state === 'valid') return;
    if (check.alreadyAnswered && (await check.alreadyAnswered())) return;
    const methods = await this.methodsFor(check.userId, check.context.twoFactor);
    await this.log.recordAlone(
      {
        action: 'step_up_required',
        outcome: 'failure',
        actorUserId: check.userId,
        subjectUserId: check.userId,
        target: check.operation,
        details: {
          reasons: decision.reasons.join(','),
          ...(check.amountUsd && { amountUsd: check.amountUsd.toDecimalString() }),
          token: state,
        },
      },
      check.context.client,
    );
    throw new StepUpRequiredError(methods, decision.reasons, state === 'missing' ? undefined : state);
  }

  /** For a user without 2FA: a step-up code to a verified email (default) or phone. */
  async requestCode(
    userId: string,
    channel: 'email' | 'sms' | undefined,
    twoFactor: boolean,
  ): Promise<CodeSent> {
    if (twoFactor) {
      throw new StepUpMethodUnavailableError(
        'Two-factor authentication is on: step up with your authenticator app (or a recovery code)',
      );
    }
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    const email = user.emailVerifiedAt ? user.email : null;
    const phone = user.phoneVerifiedAt && user.phone ? user.phone : null;
    const chosen = channel ?? (email ? 'email' : phone ? 'sms' : undefined);
    const destination = chosen === 'email' ? email : chosen === 'sms' ? phone : null;
    if (!chosen || !destination) {
      throw new StepUpMethodUnavailableError(
        channel === 'sms'
          ? 'No verified phone number: verify one first (POST /api/auth/phone/verify-request)'
          : 'No verified email address: verify it first (POST /api/auth/email/verify-request)',
      );
    }
    await this.codes.allowSend('step_up', userId);
    const issued = await this.uow.run((tx) =>
      this.codes.issue(tx, { userId, purpose: 'step_up', channel: chosen, destination }),
    );
    await this.codes.deliver({ channel: chosen, to: destination, purpose: 'step_up' }, issued);
    return {
      channel: chosen,
      sentTo: chosen === 'email' ? maskEmail(destination) : maskPhone(destination),
      expiresAt: issued.expiresAt,
    };
  }

  /**
   * A fresh second factor for this session: the authenticator code or a recovery code (2FA users), or the code sent
   * by {@link requestCode} (everyone else). Returns the step-up token for `X-Step-Up-Token`.
   */
  async confirm(
    userId: string,
    context: Pick<StepUpContext, 'sessionId' | 'twoFactor' | 'client'>,
    proof: SecondFactorProof,
  ): Promise<{ stepUpToken: string; expiresAt: Date; method: string }> {
    if (context.twoFactor) await this.secondFactor.countAttempt(userId);
    const outcome = await this.uow.run(async (tx): Promise<{ method: string } | { error: DomainError }> => {
      let method: string;
      if (context.twoFactor) {
        const used = await this.secondFactor.verify(tx, userId, proof);
        if (!used) return { error: new InvalidTwoFactorCodeError() };
        method = used;
      } else {
        if (proof.code === undefined) {
          return { error: new StepUpMethodUnavailableError('Send the code we sent you as `code`') };
        }
        const check = await this.codes.check(tx, 'step_up', { userId }, { code: proof.code });
        if (!check.accepted) return { error: check.error };
        method = check.code.channel === 'email' ? 'email_code' : 'sms_code';
      }
      await this.log.securityEvent(tx, userId, 'step_up', context.client, {
        method,
        sessionId: context.sessionId,
      });
      return { method };
    });
    if ('error' in outcome) {
      await this.log.recordAlone(
        {
          action: 'step_up_failed',
          outcome: 'failure',
          actorUserId: userId,
          subjectUserId: userId,
          details: { code: outcome.error.code },
        },
        context.client,
      );
      throw outcome.error;
    }
    const { token, expiresAt } = this.tokens.issue(userId, context.sessionId);
    return { stepUpToken: token, expiresAt, method: outcome.method };
  }

  /**
   * An audit entry for a sensitive access another context performed after this step-up check (a card's details
   * revealed): who, what and from where, never the data itself. Never fails the request it describes.
   */
  async recordAccess(
    userId: string,
    action: string,
    target: string,
    context: Pick<StepUpContext, 'sessionId' | 'client'>,
  ): Promise<void> {
    await this.log.recordAlone(
      {
        action,
        outcome: 'success',
        actorUserId: userId,
        subjectUserId: userId,
        target,
        details: { sessionId: context.sessionId },
      },
      context.client,
    );
  }

  private async methodsFor(userId: string, twoFactor: boolean) {
    if (twoFactor) return stepUpMethods({ has2fa: true, emailVerified: false, phoneVerified: false });
    const user = await this.users.findById(userId);
    return stepUpMethods({
      has2fa: false,
      emailVerified: Boolean(user?.emailVerifiedAt),
      phoneVerified: Boolean(user?.phoneVerifiedAt && user.phone),
    });
  }
}
