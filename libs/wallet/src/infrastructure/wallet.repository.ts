import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { equalsOneOf, type SqlRead, type SqlWrite } from '#monay/shared';
import { ConsumerPreferencesOrmEntity, WalletOrmEntity } from './wallet.orm-entity';

/** Money out: hour (velocity), day, month. Deposits, on counters of their own: deposit_day, deposit_month. */
export type UsagePeriod = 'hour' | 'day' | 'month' | 'deposit_day' | 'deposit_month';

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

  /**
   * The wallets of these users that exist, in one query however many users (every transfer asks: plain SQL,
   * without the query builder's per-call work).
   */
  async findByUserIds(userIds: string[]): Promise<WalletOrmEntity[]> {
    if (userIds.length === 0) return [];
    const read = this.byUserIdsRead(userIds);
    return read.decode(
      (await this.dataSource.query(read.sql, [...read.params])) as Array<Record<string, unknown>>,
    );
  }

  /**
   * The wallets of `userIds` and of the users `alsoOf` selects (a subquery over an earlier read of the statement
   * that carries this one), as a read (`readTogether`). Its rows may come back through JSON: bigints as text.
   */
  byUserIdsRead(userIds: string[], alsoOf?: string): SqlRead<WalletOrmEntity[]> {
    // One user as a scalar (equalsOneOf): the plan kept for this text is the one made for a single user.
    const users = equalsOneOf(userIds, 'uuid', 1);
    const own = Array.isArray(users.param) ? 'unnest($1::uuid[])' : '$1::uuid';
    return {
      sql: `SELECT id, user_id, address, kyc_level, daily_limit::text, monthly_limit::text, created_at
         FROM wallets WHERE user_id ${alsoOf ? `IN (SELECT ${own} UNION ${alsoOf})` : users.test}`,
      params: [users.param],
      decode: (rows) =>
        rows.map((row) =>
          Object.assign(new WalletOrmEntity(), {
            id: row.id as string,
            userId: row.user_id as string,
            address: row.address as string,
            kycLevel: row.kyc_level as number,
            dailyLimit: row.daily_limit === null ? null : BigInt(row.daily_limit as string),
            monthlyLimit: row.monthly_limit === null ? null : BigInt(row.monthly_limit as string),
            createdAt: new Date(row.created_at as Date | string),
          }),
        ),
    };
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

  /** The user's KYC level, the wallet row locked until the caller's transaction ends. */
  async lockKycLevel(tx: EntityManager, userId: string): Promise<number> {
    const rows = (await tx.query(`SELECT kyc_level FROM wallets WHERE user_id = $1 FOR UPDATE`, [
      userId,
    ])) as Array<{ kyc_level: number }>;
    return rows[0]?.kyc_level ?? 1;
  }

  async setKycLevel(tx: EntityManager, userId: string, level: number): Promise<void> {
    await tx.query(`UPDATE wallets SET kyc_level = $2 WHERE user_id = $1`, [userId, level]);
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

  /** Of `userIds`, those with auto-convert on → their preferred currency. */
  async autoConverting(userIds: string[]): Promise<Map<string, string>> {
    const ids = userIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT user_id, preferred_currency FROM consumer_preferences WHERE user_id = ANY($1::uuid[]) AND auto_convert`,
      [ids],
    )) as Array<{ user_id: string; preferred_currency: string }>;
    return new Map(rows.map((row) => [row.user_id, row.preferred_currency]));
  }

  preferences(userId: string): Promise<ConsumerPreferencesOrmEntity | null> {
    return this.dataSource.getRepository(ConsumerPreferencesOrmEntity).findOneBy({ userId });
  }

  /** The user's time zone, its row locked until the caller's transaction ends (a change is serialised). */
  async lockTimeZone(tx: EntityManager, userId: string): Promise<string | null> {
    const rows = (await tx.query(`SELECT timezone FROM consumer_preferences WHERE user_id = $1 FOR UPDATE`, [
      userId,
    ])) as Array<{ timezone: string }>;
    return rows[0]?.timezone ?? null;
  }

  async updatePreferences(
    userId: string,
    changes: Partial<Omit<ConsumerPreferencesOrmEntity, 'userId' | 'updatedAt'>>,
    tx?: EntityManager,
  ): Promise<void> {
    await this.manager(tx)
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
   * Adds `amountUsd` and one count to the usage of every period in `checks`, each only while it stays within
   * its `limitUsd` (and `maxCount`), in ONE statement in the caller's transaction: an upsert whose conflict
   * branch is a guarded update, so two concurrent transfers can never both slip under a limit (the conflict
   * branch locks the row and checks the guard against its latest version). Rows are written, and locked, in
   * the order of `checks`. Returns the periods that were counted; a period missing from the answer refused
   * (the caller then throws, and its transaction or savepoint undoes the periods that were counted). The sum is
   * compared in numeric, so a usage can never overflow its column: past the limit it is refused, not an error.
   */
  async consumeAll(
    tx: EntityManager,
    walletId: string,
    amountUsd: bigint,
    checks: Array<{ period: UsagePeriod; start: Date; limitUsd?: bigint; maxCount?: number }>,
  ): Promise<Set<UsagePeriod>> {
    const write = this.consumeAllWrite(walletId, amountUsd, checks);
    const rows = (await tx.query(write.sql, [...write.params])) as Array<{ period: UsagePeriod }>;
    return new Set(rows.map((row) => row.period));
  }

  /** The statement {@link consumeAll} runs (RETURNING the periods counted), for another statement to carry. */
  consumeAllWrite(
    walletId: string,
    amountUsd: bigint,
    checks: Array<{ period: UsagePeriod; start: Date; limitUsd?: bigint; maxCount?: number }>,
  ): SqlWrite {
    return {
      sql: `INSERT INTO wallet_limit_usage AS u (wallet_id, period, period_start, amount_usd, count)
       SELECT $1::uuid, c.period, c.period_start, $2::bigint, 1
         FROM unnest($3::text[], $4::timestamptz[], $5::bigint[], $6::int[])
              WITH ORDINALITY AS c(period, period_start, limit_usd, max_count, ord)
        WHERE (c.limit_usd IS NULL OR $2::bigint <= c.limit_usd) AND (c.max_count IS NULL OR 1 <= c.max_count)
        ORDER BY c.ord
       ON CONFLICT (wallet_id, period, period_start) DO UPDATE
          SET amount_usd = u.amount_usd + EXCLUDED.amount_usd, count = u.count + 1
        WHERE (($5::bigint[])[array_position($3::text[], u.period)] IS NULL
               OR u.amount_usd::numeric + EXCLUDED.amount_usd
                  <= ($5::bigint[])[array_position($3::text[], u.period)])
          AND (($6::int[])[array_position($3::text[], u.period)] IS NULL
               OR u.count + 1 <= ($6::int[])[array_position($3::text[], u.period)])
       RETURNING u.period`,
      params: [
        walletId,
        amountUsd.toString(),
        checks.map((c) => c.period),
        checks.map((c) => c.start),
        checks.map((c) => c.limitUsd?.toString() ?? null),
        checks.map((c) => c.maxCount ?? null),
      ],
    };
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
