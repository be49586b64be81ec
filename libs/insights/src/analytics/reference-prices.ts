import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ReferencePrices, STABLECOINS, type CurrencyCode } from '#monay/kernel';
import { AppConfig, JobName, JobQueue, OnJob } from '#monay/shared';

export interface DailyPrice {
  currency: string;
  day: string;
  price: string;
  source: 'configuration' | 'feed';
  recordedAt: Date;
}

interface PriceRow {
  currency: string;
  day: string;
  price: string;
  source: 'configuration' | 'feed';
  recorded_at: Date;
}

const toPrice = (row: PriceRow): DailyPrice => ({
  currency: row.currency,
  day: row.day,
  price: row.price,
  source: row.source,
  recordedAt: row.recorded_at,
});

/** The reference_prices table: SQL only here. */
@Injectable()
export class ReferencePriceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The prices of these (currency, day) pairs; a pair without one is first given `fallback` (inserted, never
   * overwritten: a concurrent writer's price wins and is the one returned).
   */
  async fixed(
    tx: EntityManager,
    wanted: ReadonlyArray<{ currency: string; day: string; fallback: string }>,
  ): Promise<DailyPrice[]> {
    const params = [wanted.map((w) => w.currency), wanted.map((w) => w.day), wanted.map((w) => w.fallback)];
    await tx.query(
      `INSERT INTO reference_prices (currency, day, price, source)
       SELECT currency, day, price, 'configuration' FROM unnest($1::text[], $2::date[], $3::text[]) AS w(currency, day, price)
       ON CONFLICT (currency, day) DO NOTHING`,
      params,
    );
    const rows = (await tx.query(
      `SELECT p.currency, to_char(p.day, 'YYYY-MM-DD') AS day, p.price, p.source, p.recorded_at
         FROM reference_prices p JOIN unnest($1::text[], $2::date[]) AS w(currency, day) USING (currency, day)`,
      params.slice(0, 2),
    )) as PriceRow[];
    return rows.map(toPrice);
  }

  /** Records a price unless its day has one; returns the day's price and whether this call recorded it. */
  async record(
    currency: string,
    day: string,
    price: string,
    source: 'configuration' | 'feed',
  ): Promise<{ recorded: boolean; price: DailyPrice }> {
    const inserted = (await this.dataSource.query(
      `INSERT INTO reference_prices (currency, day, price, source) VALUES ($1, $2, $3, $4)
       ON CONFLICT (currency, day) DO NOTHING
       RETURNING currency, to_char(day, 'YYYY-MM-DD') AS day, price, source, recorded_at`,
      [currency, day, price, source],
    )) as PriceRow[];
    if (inserted[0]) return { recorded: true, price: toPrice(inserted[0]) };
    const [stored] = await this.between(currency, day, day);
    return { recorded: false, price: stored };
  }

  async between(currency: string | null, from: string, to: string): Promise<DailyPrice[]> {
    const rows = (await this.dataSource.query(
      `SELECT currency, to_char(day, 'YYYY-MM-DD') AS day, price, source, recorded_at FROM reference_prices
        WHERE ($1::text IS NULL OR currency = $1) AND day BETWEEN $2::date AND $3::date
        ORDER BY day, currency`,
      [currency, from, to],
    )) as PriceRow[];
    return rows.map(toPrice);
  }
}

/** The UTC day of an instant ("2026-01-31"): reference prices are kept per UTC day. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/**
 * Daily USD reference prices: what a currency was worth on a day, so that a movement is valued at the price of
 * its day now, later and after a rebuild (EURC at its day's price, not today's). A day's price is written once,
 * never changed: by the price feed (an admin, or the daily job that records the configured prices at the start
 * of each UTC day), or, failing that, the configured price the first time a movement of that day is valued.
 * Prices once read are cached: they cannot change.
 */
@Injectable()
export class ReferencePriceBook implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReferencePrices');
  private readonly configured: ReferencePrices;
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly repository: ReferencePriceRepository,
    private readonly jobs: JobQueue,
    config: AppConfig,
  ) {
    this.configured = new ReferencePrices(config.referencePrices);
  }

  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.RecordReferencePrices, '1 0 * * *', {})
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the reference price schedule: ${String(error)}`),
      );
  }

  /** The configured (current) USD price of `currency`. */
  configuredPrice(currency: string): string {
    return this.configured.priceOf(currency as CurrencyCode);
  }

  /** The price of each (currency, UTC day), keyed `currency:day`; a day without one is fixed now. */
  async pricesFor(
    tx: EntityManager,
    wanted: ReadonlyArray<{ currency: string; day: string }>,
  ): Promise<Map<string, string>> {
    const prices = new Map<string, string>();
    const missing = new Map<string, { currency: string; day: string; fallback: string }>();
    for (const { currency, day } of wanted) {
      const key = `${currency}:${day}`;
      const cached = this.cache.get(key);
      if (cached) prices.set(key, cached);
      else missing.set(key, { currency, day, fallback: this.configuredPrice(currency) });
    }
    if (missing.size === 0) return prices;
    for (const price of await this.repository.fixed(tx, [...missing.values()])) {
      const key = `${price.currency}:${price.day}`;
      prices.set(key, price.price);
      this.cache.set(key, price.price);
    }
    for (const key of missing.keys()) {
      if (!prices.has(key)) throw new Error(`reference price ${key} could not be fixed`);
    }
    return prices;
  }

  /** A price feed's (or an admin's) price for a day that has none yet. */
  record(currency: string, day: string, price: string): Promise<{ recorded: boolean; price: DailyPrice }> {
    return this.repository.record(currency, day, price, 'feed');
  }

  list(currency: string | null, from: string, to: string): Promise<DailyPrice[]> {
    return this.repository.between(currency, from, to);
  }

  /** Daily, just after midnight UTC: the configured prices become the new day's prices (unless a feed set them). */
  @OnJob(JobName.RecordReferencePrices)
  async recordToday(): Promise<{ day: string; recorded: string[] }> {
    const day = utcDay(new Date());
    const recorded: string[] = [];
    for (const currency of STABLECOINS) {
      const result = await this.repository.record(
        currency,
        day,
        this.configuredPrice(currency),
        'configuration',
      );
      if (result.recorded) recorded.push(currency);
    }
    return { day, recorded };
  }
}
