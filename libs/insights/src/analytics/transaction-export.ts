import { maskRecipient } from '#monay/transfers';
import { Injectable } from '@nestjs/common';
import { Users } from '#monay/identity';
import { Money, zonedDateTime, type CurrencyCode } from '#monay/kernel';
import { AnalyticsRepository, type AnalyticsFact } from './analytics.repository';
import { usd } from './rollup';

/** The export's columns, in order (CSV header, JSON keys). */
export const EXPORT_COLUMNS = [
  'date',
  'type',
  'currency',
  'amount',
  'fee',
  'usd_amount',
  'fx_rate',
  'counterparty',
  'category',
  'sub_category',
  'merchant',
  'note',
  'status',
  'reference',
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string>;

/** Movements read per query: memory stays flat however long the history. */
export const EXPORT_BATCH = 1_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Text a spreadsheet would run as a formula (CSV injection): such a cell is prefixed with a quote. */
const FORMULA = /^[=+\-@\t\r]/;

function csvCell(value: string, freeText: boolean): string {
  const safe = freeText && FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const FREE_TEXT = new Set<string>(['counterparty', 'merchant', 'note']);

export function csvLine(row: ExportRow): string {
  return `${EXPORT_COLUMNS.map((column) => csvCell(row[column], FREE_TEXT.has(column))).join(',')}\r\n`;
}

/**
 * `GET /api/transactions/export`: the user's movements in their local days [from, to], oldest first, as CSV or
 * JSON, streamed from keyset-paginated queries (one short query per thousand rows, no transaction held), so a
 * year of history is never in memory. One row per line of history (and per fee charged outside the lines, such
 * as a batch's); amounts signed (money out negative), USD at the price of the movement's day.
 */
@Injectable()
export class TransactionExport {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly users: Users,
  ) {}

  /** The rows, a page (one query) at a time. */
  async *pages(
    userId: string,
    range: { from: string; to: string },
    timezone: string,
  ): AsyncGenerator<ExportRow[]> {
    let after: AnalyticsFact | null = null;
    for (;;) {
      const page: AnalyticsFact[] = await this.repository.factsPage(
        this.repository.reader,
        userId,
        range,
        after,
        EXPORT_BATCH,
      );
      if (page.length === 0) return;
      const ids = [
        ...new Set(page.map((f) => f.counterparty).filter((c): c is string => !!c && UUID.test(c))),
      ];
      const users = ids.length ? await this.users.find({ ids }) : [];
      // Counterparties are named as a sender would see them: masked, never by their email or id.
      const names = new Map(users.map((user) => [user.id, maskRecipient(user.email)]));
      yield page.map((fact) => this.row(fact, timezone, names));
      if (page.length < EXPORT_BATCH) return;
      after = page[page.length - 1];
    }
  }

  /** CSV: the header, then one chunk of lines per page (not one write per row). */
  async *csv(userId: string, range: { from: string; to: string }, timezone: string): AsyncGenerator<string> {
    yield `${EXPORT_COLUMNS.join(',')}\r\n`;
    for await (const rows of this.pages(userId, range, timezone)) yield rows.map(csvLine).join('');
  }

  async *json(userId: string, range: { from: string; to: string }, timezone: string): AsyncGenerator<string> {
    yield `{"success":true,"from":"${range.from}","to":"${range.to}","timezone":${JSON.stringify(timezone)},"transactions":[`;
    let count = 0;
    for await (const rows of this.pages(userId, range, timezone)) {
      yield `${count === 0 ? '' : ','}${rows.map((row) => JSON.stringify(row)).join(',')}`;
      count += rows.length;
    }
    yield `],"count":${count}}`;
  }

  private row(fact: AnalyticsFact, timezone: string, names: Map<string, string>): ExportRow {
    const currency = fact.currency as CurrencyCode;
    const sign = fact.direction === 'out' ? -1n : 1n;
    const counterparty = fact.counterparty ? (names.get(fact.counterparty) ?? fact.counterparty) : '';
    return {
      date: zonedDateTime(fact.occurredAt, timezone),
      type: fact.type,
      currency,
      amount: Money.of(sign * fact.amount, currency).toDecimalString(),
      fee: Money.of(fact.fee, currency).toDecimalString(),
      usd_amount: usd(sign * fact.usdAmount),
      fx_rate: fact.usdRate,
      counterparty,
      category: fact.category,
      sub_category: fact.subCategory,
      merchant: fact.merchant ?? '',
      note: fact.note ?? '',
      status: fact.status,
      reference: fact.referenceId,
    };
  }
}
