import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LedgerService, type EntryInput, type LedgerAccount } from '#monay/ledger';
import { newId, AppConfig, OutboxWriter } from '#monay/shared';
import { definitionOf, levelFor, LEVELS } from '../domain/levels';
import { HOUR_MS, POINTS } from '../domain/points';
import {
  RewardLevelChanged,
  RewardPointsClawedBack,
  RewardPointsEarned,
} from '../domain/events/rewards.events';
import { InsufficientPointsError } from '../domain/rewards.errors';
import {
  RewardsRepository,
  type ActivityRecord,
  type EarnRecord,
  type RewardAccountRecord,
} from '../infrastructure/rewards.repository';

export interface EarnInput {
  userId: string;
  ruleId: string;
  /** With the rule id, what makes this earn happen once (the source's reference, or `user:<id>` for a first). */
  sourceKey: string;
  /** What reversing the source claws back (a deposit's, transfer's or card authorization's id). */
  sourceRef: string | null;
  sourceEventId: string | null;
  reason: string;
  points: bigint;
  lockHours: number;
}

/**
 * The points books (docs/architecture.md, "Rewards"): every point is a ledger entry in `PTS`. The rewards pool
 * (a system account) issues points; a pending earn is a ledger hold on the pool in the member's favour, posted
 * when its lock period ends (vesting) and voided if its source is reversed first. What a member owes after a
 * clawback larger than their balance is booked on the pool's `receivable` account and repaid from the next
 * vested points. The lots (`reward_earns`) say which points are left of which earn: their `remaining` sums to the
 * member's PTS balance, and spending, expiring and clawing back consume them oldest expiry first.
 *
 * Every method runs in the caller's transaction and locks the member's rewards account before their lots and
 * their ledger account (the one lock order of this context).
 */
@Injectable()
export class PointsBook {
  constructor(
    private readonly ledger: LedgerService,
    private readonly repository: RewardsRepository,
    private readonly outbox: OutboxWriter,
    private readonly config: AppConfig,
  ) {}

  /**
   * Earns points once per (rule, source key): pending for `lockHours` (a hold on the pool), or vested at once.
   * Returns the earn's id, or null when this source already earned under this rule.
   */
  async earn(tx: EntityManager, input: EarnInput, now: Date): Promise<string | null> {
    const [id] = await this.earnMany(tx, [input], now);
    return id;
  }

  /**
   * {@link earn} for each of `inputs`, in order, in a fixed number of statements whatever their number (a relay
   * batch of transfers earns in one go): the members' rewards accounts locked (unless the caller holds them,
   * `accountsLocked`), then the earns, their activity and their events written and their holds placed. An earn that
   * vests at once (a rule without a lock period) is vested on its own after them. Answers each input's earn id, or
   * null where it earns nothing or its source already earned under that rule (in the database, or earlier in
   * `inputs`).
   */
  async earnMany(
    tx: EntityManager,
    inputs: readonly EarnInput[],
    now: Date,
    { accountsLocked = false }: { accountsLocked?: boolean } = {},
  ): Promise<Array<string | null>> {
    const earns = inputs.map((input) => (input.points > 0n ? this.newEarn(input, now) : null));
    const candidates = earns.filter((earn) => earn !== null);
    if (candidates.length === 0) return earns.map(() => null);
    if (!accountsLocked) {
      await this.repository.accounts(
        tx,
        candidates.map((earn) => earn.userId),
        now,
      );
    }
    const written = await this.repository.insertEarns(tx, candidates);
    const fresh = earns.map((earn) => (earn && written.has(earn.id.toLowerCase()) ? earn : null));
    const earned = fresh.filter((earn) => earn !== null);
    if (earned.length === 0) return fresh.map(() => null);
    await this.repository.insertActivity(
      tx,
      earned.map((earn) => activity(earn.userId, 'earned', earn.points, earn.reason, earn.id, null, now)),
    );
    await this.outbox.append(
      tx,
      earned.map((earn) => ({
        type: RewardPointsEarned,
        aggregateId: earn.userId,
        userIds: [earn.userId],
        payload: {
          userId: earn.userId,
          earnId: earn.id,
          ruleId: earn.ruleId,
          points: earn.points.toString(),
          status: earn.locked ? ('pending' as const) : ('available' as const),
          reason: earn.reason,
          availableAt: earn.availableAt.toISOString(),
        },
      })),
    );
    const locked = earned.filter((earn) => earn.locked);
    if (locked.length > 0) {
      const pool = await this.pool(tx);
      const wallets = new Map<string, LedgerAccount>();
      for (const userId of new Set(locked.map((earn) => earn.userId))) {
        wallets.set(userId, await this.wallet(tx, userId));
      }
      // Each earn was written with the id of its hold (`newEarn`), which is placed now.
      await this.ledger.placeHolds(
        tx,
        locked.map((earn) => ({
          id: earn.holdId!,
          accountId: pool.id,
          counterAccountId: wallets.get(earn.userId)!.id,
          currency: POINTS,
          amount: earn.points,
          kind: 'reward_earn' as const,
          reference: earn.id,
        })),
      );
    }
    const vestNow = earned.filter((earn) => !earn.locked);
    if (vestNow.length > 0) {
      // Read again (locked already): the accounts as the earns above and any earlier vesting left them.
      const accounts = await this.repository.accounts(
        tx,
        vestNow.map((earn) => earn.userId),
        now,
      );
      await this.vestLocked(tx, accounts, vestNow, now);
    }
    return fresh.map((earn) => earn?.id ?? null);
  }

  private newEarn(
    input: EarnInput,
    now: Date,
  ): EarnRecord & { sourceEventId: string | null; locked: boolean } {
    const availableAt = new Date(now.getTime() + input.lockHours * HOUR_MS);
    return {
      id: newId(),
      userId: input.userId,
      ruleId: input.ruleId,
      sourceKey: input.sourceKey,
      sourceRef: input.sourceRef,
      sourceEventId: input.sourceEventId,
      reason: input.reason,
      points: input.points,
      remaining: 0n,
      clawed: 0n,
      status: 'pending',
      // A pending earn's hold: placed under this id once the earn is written (the earn is written first, to learn
      // whether this source already earned).
      holdId: input.lockHours > 0 ? newId() : null,
      availableAt,
      expiresAt: addMonths(availableAt, this.config.rewards.expiryMonths),
      createdAt: now,
      locked: input.lockHours > 0,
    };
  }

  /** Vests one pending earn whose lock period is over (a no-op when it was vested, cancelled or is not due). */
  async vest(tx: EntityManager, earnId: string, userId: string, now: Date): Promise<boolean> {
    const account = await this.repository.account(tx, userId, now, true);
    const earn = await this.repository.lockEarn(tx, earnId);
    if (!earn || earn.status !== 'pending' || earn.availableAt > now) return false;
    await this.vestLocked(tx, new Map([[userId.toLowerCase(), account]]), [earn], now);
    return true;
  }

  /**
   * Spends `points` of the member's available points (a redemption): their lots oldest expiry first, the ledger
   * from the member to the pool. Refused with INSUFFICIENT_POINTS beyond the balance less any debt.
   */
  async spend(
    tx: EntityManager,
    userId: string,
    points: bigint,
    reason: string,
    reference: string,
    now: Date,
  ): Promise<{ ledgerTransactionId: string; account: RewardAccountRecord }> {
    const account = await this.repository.account(tx, userId, now, true);
    const lots = await this.repository.lockSpendable(tx, userId);
    const have = lots.reduce((sum, lot) => sum + lot.remaining, 0n) - account.debt;
    if (have < points) throw new InsufficientPointsError(points, have < 0n ? 0n : have);
    await this.consume(tx, lots, points, 'spent');
    const [pool, wallet] = await Promise.all([this.pool(tx), this.wallet(tx, userId)]);
    const { transactionId } = await this.ledger.post(tx, {
      kind: 'reward_redemption',
      reference,
      entries: [
        { accountId: wallet.id, currency: POINTS, amount: -points },
        { accountId: pool.id, currency: POINTS, amount: points },
      ],
    });
    await this.repository.insertActivity(tx, [
      activity(userId, 'redeemed', -points, reason, reference, transactionId, now),
    ]);
    return { ledgerTransactionId: transactionId, account };
  }

  /** Expires the member's lots past their expiry: what is left of them goes back to the pool. */
  async expire(tx: EntityManager, userId: string, now: Date): Promise<bigint> {
    await this.repository.account(tx, userId, now, true);
    const lots = await this.repository.lockExpiredOf(tx, userId, now);
    const points = lots.reduce((sum, lot) => sum + lot.remaining, 0n);
    if (points === 0n) return 0n;
    const [pool, wallet] = await Promise.all([this.pool(tx), this.wallet(tx, userId)]);
    const { transactionId } = await this.ledger.post(tx, {
      kind: 'reward_expiry',
      reference: userId,
      entries: [
        { accountId: wallet.id, currency: POINTS, amount: -points },
        { accountId: pool.id, currency: POINTS, amount: points },
      ],
    });
    for (const lot of lots) await this.repository.setEarn(tx, lot.id, 'expired', 0n);
    await this.repository.insertActivity(
      tx,
      lots.map((lot) =>
        activity(userId, 'expired', -lot.remaining, `Expired: ${lot.reason}`, lot.id, transactionId, now),
      ),
    );
    return points;
  }

  /**
   * Takes back what a reversed source earned — all of it, or `share` of it (a partial refund: `part` of `whole`),
   * never more than the earn is still worth. A pending earn's hold is voided (and, for a share, placed again for what
   * is left); an available (or already spent) one is debited from that lot first, then the member's other lots, and
   * what the balance cannot cover becomes owed points, up to the configured bound, the rest written off. Returns how
   * many earns it touched (none when the source earned nothing or was already taken back).
   */
  async clawBack(
    tx: EntityManager,
    sourceRef: string,
    reason: string,
    now: Date,
    share?: { part: bigint; whole: bigint },
  ): Promise<number> {
    const users = [
      ...new Set((await this.repository.earnsBySource(tx, sourceRef)).map((earn) => earn.userId)),
    ].sort();
    let touched = 0;
    for (const userId of users) {
      const account = await this.repository.account(tx, userId, now, true);
      let debt = account.debt;
      let lifetime = account.lifetimePoints;
      for (const earn of await this.repository.lockBySource(tx, sourceRef, userId)) {
        const worth = earn.points - earn.clawed;
        const wanted = share && share.whole > 0n ? (earn.points * share.part) / share.whole : worth;
        const claw = wanted < worth ? wanted : worth;
        if (claw <= 0n) continue;
        touched += 1;
        const whole = claw === worth;
        if (earn.status === 'pending') {
          let holdId: string | null = null;
          if (earn.holdId) await this.ledger.voidHold(tx, earn.holdId);
          if (!whole) {
            const [pool, wallet] = await Promise.all([this.pool(tx), this.wallet(tx, userId)]);
            ({ holdId } = await this.ledger.placeHold(tx, {
              accountId: pool.id,
              counterAccountId: wallet.id,
              currency: POINTS,
              amount: worth - claw,
              kind: 'reward_earn',
              reference: earn.id,
            }));
          }
          await this.repository.addClawed(tx, earn.id, claw, holdId);
          if (whole) await this.repository.setEarn(tx, earn.id, 'cancelled', 0n);
          await this.repository.insertActivity(tx, [
            activity(userId, 'cancelled', -claw, reason, earn.id, null, now),
          ]);
          await this.clawedBackEvent(tx, userId, earn, claw, 'cancelled', reason);
          continue;
        }
        const lots = await this.repository.lockSpendable(tx, userId);
        const ordered = [
          ...lots.filter((lot) => lot.id === earn.id),
          ...lots.filter((lot) => lot.id !== earn.id),
        ];
        const have = ordered.reduce((sum, lot) => sum + lot.remaining, 0n);
        const take = claw < have ? claw : have;
        await this.consume(tx, ordered, take, 'spent');
        const owed = claw - take;
        const room = this.config.rewards.maxDebtPoints - debt;
        const toDebt = owed < room ? owed : room > 0n ? room : 0n;
        const writtenOff = owed - toDebt;
        let ledgerTransactionId: string | null = null;
        if (take + toDebt > 0n) {
          const [pool, wallet, receivable] = await Promise.all([
            this.pool(tx),
            this.wallet(tx, userId),
            this.receivable(tx),
          ]);
          const entries: EntryInput[] = [{ accountId: pool.id, currency: POINTS, amount: take + toDebt }];
          if (take > 0n) entries.push({ accountId: wallet.id, currency: POINTS, amount: -take });
          if (toDebt > 0n) entries.push({ accountId: receivable.id, currency: POINTS, amount: -toDebt });
          ({ transactionId: ledgerTransactionId } = await this.ledger.post(tx, {
            kind: 'reward_clawback',
            reference: earn.id,
            entries,
          }));
        }
        debt += toDebt;
        lifetime = lifetime > claw ? lifetime - claw : 0n;
        await this.repository.addClawed(tx, earn.id, claw, null);
        if (whole) {
          const left = ordered.find((lot) => lot.id === earn.id)?.remaining ?? 0n;
          await this.repository.setEarn(tx, earn.id, 'clawed_back', left);
        }
        const rows = [
          activity(userId, 'clawed_back', -(take + toDebt), reason, earn.id, ledgerTransactionId, now),
        ];
        if (writtenOff > 0n) {
          rows.push(
            activity(
              userId,
              'written_off',
              writtenOff,
              `${reason} (beyond the points debt limit)`,
              earn.id,
              null,
              now,
            ),
          );
        }
        await this.repository.insertActivity(tx, rows);
        await this.clawedBackEvent(tx, userId, earn, claw, 'clawed_back', reason);
      }
      await this.repository.updateAccount(tx, userId, { debt, lifetimePoints: lifetime });
    }
    return touched;
  }

  /** The member's points: the ledger's PTS balance (available lots) less what they owe. */
  async balanceOf(manager: EntityManager, userId: string): Promise<{ posted: bigint }> {
    const accounts = await this.ledger.balances(manager, userId);
    return { posted: accounts.find((account) => account.currency === POINTS)?.posted ?? 0n };
  }

  /**
   * Vests `earns`, in order, their members' rewards accounts locked (`accounts`, by lower-case user id; updated
   * here): each earn's points go from the pool to the member (its hold posted, or a posting of its own), repay what
   * the member owes first, and count towards the member's level. The ledger moves earn by earn; the lots, the
   * activity and each member's account are written once, after them all.
   */
  private async vestLocked(
    tx: EntityManager,
    accounts: Map<string, RewardAccountRecord>,
    earns: readonly EarnRecord[],
    now: Date,
  ): Promise<void> {
    const pool = await this.pool(tx);
    const rows: ActivityRecord[] = [];
    const lots: Array<{ id: string; status: 'available' | 'spent'; remaining: bigint }> = [];
    const touched = new Set<RewardAccountRecord>();
    for (const earn of earns) {
      const account = accounts.get(earn.userId.toLowerCase());
      if (!account)
        throw new Error(`vesting ${earn.id}: the rewards account of ${earn.userId} is not locked`);
      const wallet = await this.wallet(tx, earn.userId);
      // What the earn is still worth: a partial clawback while pending left a smaller hold.
      const worth = earn.points - earn.clawed;
      let ledgerTransactionId: string;
      if (earn.holdId) {
        await this.ledger.postHold(tx, earn.holdId);
        ledgerTransactionId = earn.holdId;
      } else {
        ({ transactionId: ledgerTransactionId } = await this.ledger.post(tx, {
          kind: 'reward_earn',
          reference: earn.id,
          entries: [
            { accountId: pool.id, currency: POINTS, amount: -worth },
            { accountId: wallet.id, currency: POINTS, amount: worth },
          ],
        }));
      }
      rows.push(activity(earn.userId, 'vested', worth, earn.reason, earn.id, ledgerTransactionId, now));
      const repaid = account.debt < worth ? account.debt : worth;
      if (repaid > 0n) {
        const receivable = await this.receivable(tx);
        const { transactionId } = await this.ledger.post(tx, {
          kind: 'reward_debt_repayment',
          reference: earn.id,
          entries: [
            { accountId: wallet.id, currency: POINTS, amount: -repaid },
            { accountId: receivable.id, currency: POINTS, amount: repaid },
          ],
        });
        rows.push(
          activity(
            earn.userId,
            'debt_repaid',
            -repaid,
            'Points owed after a clawback',
            earn.id,
            transactionId,
            now,
          ),
        );
      }
      const remaining = worth - repaid;
      lots.push({ id: earn.id, status: remaining > 0n ? 'available' : 'spent', remaining });
      const lifetime = account.lifetimePoints + worth;
      const before = definitionOf(account.level);
      const reached = levelFor(lifetime);
      // Levels only go up: a clawback lowers lifetime points, never the level held.
      const level = LEVELS.indexOf(reached) > LEVELS.indexOf(before) ? reached : before;
      Object.assign(account, { lifetimePoints: lifetime, debt: account.debt - repaid, level: level.level });
      touched.add(account);
      if (level !== before) {
        await this.outbox.append(tx, [
          {
            type: RewardLevelChanged,
            aggregateId: earn.userId,
            userIds: [earn.userId],
            payload: {
              userId: earn.userId,
              from: before.level,
              to: level.level,
              lifetimePoints: lifetime.toString(),
              perk: level.perk,
              at: now.toISOString(),
            },
          },
        ]);
      }
    }
    await this.repository.setEarns(tx, lots);
    await this.repository.insertActivity(tx, rows);
    for (const account of touched) {
      await this.repository.updateAccount(tx, account.userId, {
        lifetimePoints: account.lifetimePoints,
        debt: account.debt,
        level: account.level,
      });
    }
  }

  /** Takes `points` from `lots` in order; a lot emptied becomes `status`. */
  private async consume(
    tx: EntityManager,
    lots: EarnRecord[],
    points: bigint,
    status: 'spent',
  ): Promise<void> {
    let left = points;
    for (const lot of lots) {
      if (left === 0n) break;
      const take = lot.remaining < left ? lot.remaining : left;
      left -= take;
      lot.remaining -= take;
      await this.repository.setEarn(tx, lot.id, lot.remaining === 0n ? status : 'available', lot.remaining);
    }
  }

  private async clawedBackEvent(
    tx: EntityManager,
    userId: string,
    earn: EarnRecord,
    points: bigint,
    outcome: 'cancelled' | 'clawed_back',
    reason: string,
  ): Promise<void> {
    await this.outbox.append(tx, [
      {
        type: RewardPointsClawedBack,
        aggregateId: userId,
        userIds: [userId],
        payload: { userId, earnId: earn.id, points: points.toString(), outcome, reason },
      },
    ]);
  }

  private pool(tx: EntityManager): Promise<LedgerAccount> {
    return this.ledger.systemAccount(tx, 'rewards_pool', POINTS);
  }

  private receivable(tx: EntityManager): Promise<LedgerAccount> {
    return this.ledger.systemAccount(tx, 'rewards_pool', POINTS, 'receivable');
  }

  private async wallet(tx: EntityManager, userId: string): Promise<LedgerAccount> {
    const [account] = await this.ledger.openUserAccounts(tx, userId, [POINTS]);
    return account;
  }
}

function activity(
  userId: string,
  kind: ActivityRecord['kind'],
  points: bigint,
  reason: string,
  reference: string | null,
  ledgerTransactionId: string | null,
  now: Date,
): ActivityRecord {
  return { id: newId(), userId, kind, points, reason, reference, ledgerTransactionId, createdAt: now };
}

/** `date` plus whole calendar months (UTC), the day clamped to the month's last. */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const last = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, last));
  return result;
}
