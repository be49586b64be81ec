import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Users } from '#monay/identity';
import { Money } from '#monay/kernel';
import { AppConfig, Clock, OutboxWriter, UnitOfWork } from '#monay/shared';
import { WalletReports } from '#monay/wallet';
import { ReferralDecided } from '../domain/events/rewards.events';
import { newReferralCode, normaliseReferralCode } from '../domain/referral-code';
import { selfReferralReason } from '../domain/referral-guards';
import { ReferralCodeInvalidError, ReferralNotClaimableError } from '../domain/rewards.errors';
import { RewardsRepository, type ReferralRecord } from '../infrastructure/rewards.repository';
import { PointsBook } from './points-book';

/** How long after a referrer shows their code a claim from the same address counts as the same person. */
const SAME_IP_WINDOW_MS = 24 * 3_600_000;

/** Where a member was seen (the request's address and device), for the self-referral guards. */
export interface SeenFrom {
  ip: string | null;
  device: string | null;
}

export interface ReferralView {
  id: string;
  /** The referred member, masked: a referrer never learns more of them than this. */
  referred: string;
  status: ReferralRecord['status'];
  reason: string | null;
  qualifyingDeposit: { amountUsd: string; heldUntil: string | null } | null;
  createdAt: string;
  decidedAt: string | null;
}

/**
 * Referrals (docs/architecture.md, "Rewards"): one short code per member; a new member claims a code before their
 * first deposit; both are rewarded once the referred member's identity is verified and a first deposit of at least
 * the configured amount has been kept for the holding period. Self-referrals (the same mailbox pattern, device or
 * address) are rejected and flagged; a referrer is paid for at most the configured number a month.
 */
@Injectable()
export class Referrals {
  constructor(
    private readonly repository: RewardsRepository,
    private readonly book: PointsBook,
    private readonly users: Users,
    private readonly balances: WalletReports,
    private readonly outbox: OutboxWriter,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** The member's code, made on first ask (codes never change); where it was shown is kept for the guards. */
  async codeOf(userId: string, seen: SeenFrom): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const code = await this.uow.run(async (tx) => {
        const now = this.clock.now();
        await this.repository.account(tx, userId, now, true);
        return this.repository.claimReferralCode(tx, userId, newReferralCode(), seen, now);
      });
      if (code !== null) return code;
    }
    throw new Error('Could not find a free referral code in five tries');
  }

  /** The new member `userId` claims `input` as the code that brought them. */
  async attribute(userId: string, input: string, seen: SeenFrom): Promise<ReferralRecord> {
    const code = normaliseReferralCode(input);
    const referrer = code === null ? null : await this.repository.accountByCode(this.uow.manager, code);
    if (!referrer || code === null || referrer.userId === userId) throw new ReferralCodeInvalidError();
    const people = await this.users.find({ ids: [userId, referrer.userId] });
    const email = (id: string) => people.find((person) => person.id === id)?.email ?? '';
    // The referrer's address says something only shortly after they showed their code (a shared network).
    const recent =
      referrer.codeSeenAt !== null &&
      this.clock.now().getTime() - referrer.codeSeenAt.getTime() <= SAME_IP_WINDOW_MS;
    const reason = selfReferralReason(
      { email: email(referrer.userId), ip: recent ? referrer.codeIp : null, device: referrer.codeDevice },
      { email: email(userId), ip: seen.ip, device: seen.device },
    );
    return this.uow.run(async (tx) => {
      const now = this.clock.now();
      const account = await this.repository.account(tx, userId, now, true);
      if (await this.repository.referralOf(tx, userId))
        throw new ReferralNotClaimableError('already_referred');
      if (account.firstDepositAt !== null) throw new ReferralNotClaimableError('already_deposited');
      const referral: ReferralRecord = {
        id: randomUUID(),
        referrerId: referrer.userId,
        referredId: userId,
        code,
        status: reason === null ? 'pending' : 'rejected',
        reason,
        flagged: reason !== null,
        signals: { ip: seen.ip, device: seen.device },
        qualifyingDepositId: null,
        qualifyingAmountUsd: null,
        qualifiesAt: null,
        createdAt: now,
        decidedAt: reason === null ? null : now,
      };
      if (!(await this.repository.insertReferral(tx, referral))) {
        throw new ReferralNotClaimableError('already_referred');
      }
      if (reason !== null) await this.decided(tx, referral, 'rejected', reason, 0n, 0n);
      return referral;
    });
  }

  /**
   * Decides a referral whose holding period is over (the due-work sweep): approved when the referred member still
   * holds at least the qualifying deposit and the referrer is under the monthly cap; both are then paid, once.
   */
  async decide(referral: ReferralRecord, now: Date): Promise<boolean> {
    const balance = await this.balances.balance(referral.referredId);
    const held =
      Money.parse(balance.totalUSD, 'USD').minor >=
      Money.parse(referral.qualifyingAmountUsd ?? '0', 'USD').minor;
    return this.uow.run(async (tx) => {
      const current = await this.repository.lockReferral(tx, referral.id);
      if (!current || current.status !== 'pending') return false;
      if (!held) {
        await this.repository.decideReferral(tx, current.id, 'rejected', 'deposit_not_held', false, now);
        await this.decided(tx, current, 'rejected', 'deposit_not_held', 0n, 0n);
        return true;
      }
      const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      if (
        (await this.repository.approvedSince(tx, current.referrerId, monthStart)) >=
        this.config.rewards.referralMonthlyCap
      ) {
        await this.repository.decideReferral(tx, current.id, 'rejected', 'referrer_monthly_cap', true, now);
        await this.decided(tx, current, 'rejected', 'referrer_monthly_cap', 0n, 0n);
        return true;
      }
      const { referrerPoints, referredPoints } = this.config.rewards;
      // Rewards accounts are locked in user id order (PointsBook locks each member's account).
      const payouts = [
        {
          userId: current.referrerId,
          ruleId: 'referral:referrer',
          points: referrerPoints,
          reason: 'A member you referred joined',
        },
        {
          userId: current.referredId,
          ruleId: 'referral:referred',
          points: referredPoints,
          reason: 'Welcome bonus for joining with a referral',
        },
      ].sort((a, b) => (a.userId < b.userId ? -1 : 1));
      for (const payout of payouts) {
        await this.book.earn(
          tx,
          { ...payout, sourceKey: current.id, sourceRef: current.id, sourceEventId: null, lockHours: 0 },
          now,
        );
      }
      await this.repository.decideReferral(tx, current.id, 'approved', null, false, now);
      await this.decided(tx, current, 'approved', null, referrerPoints, referredPoints);
      return true;
    });
  }

  async list(referrerId: string): Promise<ReferralView[]> {
    const referrals = await this.repository.referralsOf(this.uow.manager, referrerId);
    const people = await this.users.find({ ids: referrals.map((r) => r.referredId) });
    return referrals.map((referral) =>
      toView(referral, people.find((p) => p.id === referral.referredId)?.email ?? ''),
    );
  }

  async flagged(limit: number): Promise<ReferralRecord[]> {
    return this.repository.flaggedReferrals(this.uow.manager, limit);
  }

  private async decided(
    tx: Parameters<PointsBook['earn']>[0],
    referral: ReferralRecord,
    status: 'approved' | 'rejected',
    reason: string | null,
    referrerPoints: bigint,
    referredPoints: bigint,
  ): Promise<void> {
    await this.outbox.append(tx, [
      {
        type: ReferralDecided,
        aggregateId: referral.id,
        userIds: [referral.referrerId, referral.referredId],
        payload: {
          referralId: referral.id,
          referrerId: referral.referrerId,
          referredId: referral.referredId,
          status,
          reason,
          referrerPoints: referrerPoints.toString(),
          referredPoints: referredPoints.toString(),
        },
      },
    ]);
  }
}

/** `al***@example.com`: enough for the referrer to recognise a friend, not to learn an address. */
function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 2)}***@${domain}`;
}

export function toView(referral: ReferralRecord, email: string): ReferralView {
  return {
    id: referral.id,
    referred: maskEmail(email),
    status: referral.status,
    reason: referral.reason,
    qualifyingDeposit:
      referral.qualifyingAmountUsd === null
        ? null
        : { amountUsd: referral.qualifyingAmountUsd, heldUntil: referral.qualifiesAt?.toISOString() ?? null },
    createdAt: referral.createdAt.toISOString(),
    decidedAt: referral.decidedAt?.toISOString() ?? null,
  };
}
