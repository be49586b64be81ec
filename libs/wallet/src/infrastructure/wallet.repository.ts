import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { ConsumerPreferencesOrmEntity, WalletOrmEntity } from './wallet.orm-entity';

export type UsagePeriod = 'hour' | 'day' | 'month';

export interface Usage {
  amountUsd: bigint;
  count: number;
}

@Injectable()
export class WalletRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  findByUserId(userId: string, tx?: EntityManager): Promise<WalletOrmEntity | null> {
    return this.manager(tx).findOneBy(WalletOrmEntity, { userId });
  }

  findByAddress(address: string, tx?: EntityManager): Promise<WalletOrmEntity | null> {
    return this.manager(tx).findOneBy(WalletOrmEntity, { address });
  }

  findByAddresses(addresses: string[]): Promise<WalletOrmEntity[]> {
    return addresses.length
      ? this.dataSource.manager.findBy(WalletOrmEntity, { address: In(addresses) })
      : Promise.resolve([]);
  }

  /** Inserts the wallet and default preferences unless the user has them; returns the user's wallet. */
  async createIfMissing(
    tx: EntityManager,
    wallet: WalletOrmEntity,
  ): Promise<{ wallet: WalletOrmEntity; created: boolean }> {
    const inserted = (await tx.query(
      `INSERT INTO wallets (id, user_id, address, kyc_level, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO NOTHING RETURNING id`,
      [wallet.id, wallet.userId, wallet.address, wallet.kycLevel, wallet.createdAt],
    )) as unknown[];
    await tx.query(
      `INSERT INTO consumer_preferences (user_id, preferred_currency, auto_balance, smart_routing, instant_notifications, updated_at)
       VALUES ($1, 'USDC', false, true, true, now()) ON CONFLICT (user_id) DO NOTHING`,
      [wallet.userId],
    );
    const stored = await tx.findOneByOrFail(WalletOrmEntity, { userId: wallet.userId });
    return { wallet: stored, created: inserted.length > 0 };
  }

  async setOwnLimits(userId: string, limits: { daily?: bigint; monthly?: bigint }): Promise<void> {
    // Nothing to change (`PUT /wallet/limits` with `{}`): TypeORM refuses an UPDATE without values.
    if (limits.daily === undefined && limits.monthly === undefined) return;
    await this.dataSource.getRepository(WalletOrmEntity).update(
      { userId },
      {
        ...(limits.daily !== undefined && { dailyLimit: limits.daily }),
        ...(limits.monthly !== undefined && { monthlyLimit: limits.monthly }),
      },
    );
  }

  preferences(userId: string): Promise<ConsumerPreferencesOrmEntity | null> {
    return this.dataSource.getRepository(ConsumerPreferencesOrmEntity).findOneBy({ userId });
  }

  async updatePreferences(
    userId: string,
    changes: Partial<Omit<ConsumerPreferencesOrmEntity, 'userId' | 'updatedAt'>>,
  ): Promise<void> {
    await this.dataSource
      .getRepository(ConsumerPreferencesOrmEntity)
      .update({ userId }, { ...changes, updatedAt: new Date() });
  }

  /** What the wallet used in the period that starts at `start` (zero when nothing yet). */
  async usage(walletId: string, period: UsagePeriod, start: Date, tx?: EntityManager): Promise<Usage> {
    const rows = (await this.manager(tx).query(
      `SELECT amount_usd::text AS amount, count FROM wallet_limit_usage WHERE wallet_id = $1 AND period = $2 AND period_start = $3`,
      [walletId, period, start],
    )) as Array<{ amount: string; count: number }>;
    return rows[0]
      ? { amountUsd: BigInt(rows[0].amount), count: rows[0].count }
      : { amountUsd: 0n, count: 0 };
  }

  /**
   * Adds to a period's usage only while it stays within `limitUsd` (and `maxCount`): a guarded UPDATE in
   * the caller's transaction, so two concurrent transfers can never both slip under a limit. The row
   * lock it takes serialises one wallet's transfers on their usage, never other wallets'.
   */
  async consume(
    tx: EntityManager,
    walletId: string,
    period: UsagePeriod,
    start: Date,
    amountUsd: bigint,
    limits: { limitUsd?: bigint; maxCount?: number },
  ): Promise<boolean> {
    await tx.query(
      `INSERT INTO wallet_limit_usage (wallet_id, period, period_start) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [walletId, period, start],
    );
    const updated = (await tx.query(
      `UPDATE wallet_limit_usage SET amount_usd = amount_usd + $4, count = count + 1
        WHERE wallet_id = $1 AND period = $2 AND period_start = $3
          AND ($5::bigint IS NULL OR amount_usd + $4 <= $5::bigint)
          AND ($6::int IS NULL OR count + 1 <= $6::int)
        RETURNING 1`,
      [
        walletId,
        period,
        start,
        amountUsd.toString(),
        limits.limitUsd?.toString() ?? null,
        limits.maxCount ?? null,
      ],
    )) as unknown[];
    return updatedRows(updated) > 0;
  }

  /** Takes `amountUsd` and one count back from each period's usage (the opposite of {@link consume}), floored at 0. */
  async release(
    tx: EntityManager,
    walletId: string,
    periods: Array<[UsagePeriod, Date]>,
    amountUsd: bigint,
  ): Promise<void> {
    for (const [period, start] of periods) {
      await tx.query(
        `UPDATE wallet_limit_usage
            SET amount_usd = GREATEST(amount_usd - $4, 0), count = GREATEST(count - 1, 0)
          WHERE wallet_id = $1 AND period = $2 AND period_start = $3`,
        [walletId, period, start, amountUsd.toString()],
      );
    }
  }
}

/** node-postgres via TypeORM returns `[rows, count]` for UPDATE … RETURNING. */
function updatedRows(result: unknown[]): number {
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  return result.length;
}
