import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, OutboxWriter } from '#monay/shared';
import { TIER_NAMES, WalletAccess, type KycLevel } from '#monay/wallet';
import { KycTierChanged, type KycTierChangedPayload } from '../domain/events/kyc.events';
import { KycRepository } from '../infrastructure/kyc.repository';

/**
 * The only way a tier changes: in the caller's transaction, the wallet's level (its limits and features follow),
 * the audit record (`kyc_tier_changes`) and `KycTierChanged` on the outbox, all or nothing. The wallet row is
 * locked first, so two changes of one user never interleave.
 */
@Injectable()
export class KycTiers {
  constructor(
    private readonly wallets: WalletAccess,
    private readonly repository: KycRepository,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  /** Up to `level` when the vendor approved an inquiry for it; never down (a user above it stays above). */
  async raise(tx: EntityManager, userId: string, level: KycLevel, inquiryId: string): Promise<boolean> {
    const current = await this.wallets.lockKycLevel(tx, userId);
    if (current >= level) return false;
    await this.change(tx, {
      userId,
      from: current,
      to: level,
      reason: 'inquiry_approved',
      inquiryId,
      actorUserId: null,
    });
    return true;
  }

  /** Down to `level` (Basic by default) with a reason: a vendor's or an admin's revocation. */
  async lower(
    tx: EntityManager,
    userId: string,
    reason: string,
    actorUserId: string | null,
    level: KycLevel = 1,
  ): Promise<{ from: KycLevel; to: KycLevel } | null> {
    const current = await this.wallets.lockKycLevel(tx, userId);
    if (current <= level) return null;
    await this.change(tx, { userId, from: current, to: level, reason, inquiryId: null, actorUserId });
    return { from: current, to: level };
  }

  private async change(
    tx: EntityManager,
    change: {
      userId: string;
      from: KycLevel;
      to: KycLevel;
      reason: string;
      inquiryId: string | null;
      actorUserId: string | null;
    },
  ): Promise<void> {
    const at = this.clock.now();
    await this.wallets.setKycLevel(tx, change.userId, change.to);
    await this.repository.recordTierChange(tx, {
      userId: change.userId,
      fromLevel: change.from,
      toLevel: change.to,
      reason: change.reason,
      inquiryId: change.inquiryId,
      actorUserId: change.actorUserId,
      at,
    });
    const payload: KycTierChangedPayload = {
      userId: change.userId,
      from: { level: change.from, name: TIER_NAMES[change.from] },
      to: { level: change.to, name: TIER_NAMES[change.to] },
      direction: change.to > change.from ? 'up' : 'down',
      reason: change.reason,
      inquiryId: change.inquiryId,
      actorUserId: change.actorUserId,
      at: at.toISOString(),
    };
    await this.outbox.append(tx, [
      { type: KycTierChanged, aggregateId: change.userId, userIds: [change.userId], payload },
    ]);
  }
}
