import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OutboxRelay, type DomainEventName, type DomainEvents } from '#monay/shared';
import type { TestApp } from './test-app';

/**
 * A domain event as it would have been written at `occurredAt`: tests seed a history spread over months (or a
 * year) by writing the journal (the outbox) directly, backdated, exactly as producers write it. The relay then
 * projects it like any other event. Only read models see these movements: there is no ledger transaction behind
 * them, so books-balanced checks do not apply to such a history.
 */
export interface JournalEntry<K extends DomainEventName = DomainEventName> {
  type: K;
  payload: DomainEvents[K];
  userIds: string[];
  occurredAt: string | Date;
  aggregateId?: string;
}

export function entry<K extends DomainEventName>(
  type: K,
  payload: DomainEvents[K],
  userIds: string[],
  occurredAt: string | Date,
): JournalEntry<K> {
  return { type, payload, userIds, occurredAt };
}

/** Writes the entries to the journal (in order) and waits until the relay has projected everything. */
export async function journal(t: TestApp, entries: readonly JournalEntry[], chunk = 500): Promise<void> {
  const dataSource = t.app.get(DataSource);
  for (let i = 0; i < entries.length; i += chunk) {
    const part = entries.slice(i, i + chunk);
    await dataSource.query(
      `INSERT INTO outbox (event_id, type, version, aggregate_id, user_ids, payload, occurred_at)
       SELECT e.event_id, e.type, 1, e.aggregate_id, string_to_array(e.user_ids, ',')::uuid[], e.payload::jsonb, e.occurred_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
              AS e(event_id, type, aggregate_id, user_ids, payload, occurred_at)`,
      [
        part.map(() => randomUUID()),
        part.map((e) => e.type),
        part.map((e) => e.aggregateId ?? randomUUID()),
        part.map((e) => e.userIds.join(',')),
        part.map((e) => JSON.stringify(e.payload)),
        part.map((e) => new Date(e.occurredAt)),
      ],
    );
  }
  await t.app.get(OutboxRelay).drain(120_000);
}

/** A P2P transfer between two Monay users. */
export function p2p(input: {
  from: string;
  to: string;
  amount: string;
  currency?: string;
  note?: string | null;
  fee?: string;
  at: string | Date;
  transferId?: string;
}): JournalEntry<'FundsTransferred'> {
  const transferId = input.transferId ?? randomUUID();
  return {
    type: 'FundsTransferred',
    aggregateId: transferId,
    userIds: [input.from, input.to],
    occurredAt: input.at,
    payload: {
      transferId,
      batchId: null,
      senderId: input.from,
      recipientId: input.to,
      currency: input.currency ?? 'USDC',
      amount: input.amount,
      fee: input.fee ?? '0.00',
      note: input.note ?? null,
      ledgerTransactionId: randomUUID(),
      completedAt: new Date(input.at).toISOString(),
    },
  };
}

/** A deposit through a provider that withheld `fee`: credited = amount − fee. */
export function depositCompleted(input: {
  userId: string;
  amount: string;
  fee: string;
  credited: string;
  currency?: string;
  method?: string;
  at: string | Date;
}): JournalEntry<'DepositCompleted'> {
  const depositId = randomUUID();
  return {
    type: 'DepositCompleted',
    aggregateId: depositId,
    userIds: [input.userId],
    occurredAt: input.at,
    payload: {
      depositId,
      userId: input.userId,
      currency: input.currency ?? 'USDC',
      amount: input.amount,
      fee: input.fee,
      credited: input.credited,
      provider: 'tempo',
      method: input.method ?? 'bank',
      ledgerTransactionId: randomUUID(),
      completedAt: new Date(input.at).toISOString(),
    },
  };
}

/** An external transfer to a 0x address: requested at `at`, completed at `completedAt`. */
export function externalTransfer(input: {
  userId: string;
  amount: string;
  fee: string;
  currency?: string;
  to?: string;
  note?: string | null;
  at: string | Date;
  completedAt: string | Date;
}): [JournalEntry<'ExternalTransferRequested'>, JournalEntry<'ExternalTransferCompleted'>] {
  const transferId = randomUUID();
  const common = {
    transferId,
    userId: input.userId,
    currency: input.currency ?? 'USDC',
    amount: input.amount,
    to: input.to ?? '0x1111111111111111111111111111111111111111',
    recipients: 1,
    batchId: null,
    note: input.note ?? null,
  };
  return [
    {
      type: 'ExternalTransferRequested',
      aggregateId: transferId,
      userIds: [input.userId],
      occurredAt: input.at,
      payload: { ...common, held: input.amount },
    },
    {
      type: 'ExternalTransferCompleted',
      aggregateId: transferId,
      userIds: [input.userId],
      occurredAt: input.completedAt,
      payload: {
        ...common,
        fee: input.fee,
        debited: addDecimal(input.amount, input.fee),
        provider: 'tempo',
        providerTransactionId: `0x${randomUUID().replace(/-/g, '')}`,
        ledgerTransactionId: randomUUID(),
        completedAt: new Date(input.completedAt).toISOString(),
      },
    },
  ];
}

/** A withdrawal: requested at `at`, paid out at `completedAt`. */
export function withdrawal(input: {
  userId: string;
  amount: string;
  fee: string;
  currency?: string;
  at: string | Date;
  completedAt: string | Date;
}): [JournalEntry<'WithdrawalRequested'>, JournalEntry<'WithdrawalCompleted'>] {
  const withdrawalId = randomUUID();
  const currency = input.currency ?? 'USDC';
  const debited = addDecimal(input.amount, input.fee);
  return [
    {
      type: 'WithdrawalRequested',
      aggregateId: withdrawalId,
      userIds: [input.userId],
      occurredAt: input.at,
      payload: {
        withdrawalId,
        userId: input.userId,
        currency,
        amount: input.amount,
        held: debited,
        destination: '…6789',
        speed: 'standard',
      },
    },
    {
      type: 'WithdrawalCompleted',
      aggregateId: withdrawalId,
      userIds: [input.userId],
      occurredAt: input.completedAt,
      payload: {
        withdrawalId,
        userId: input.userId,
        currency,
        amount: input.amount,
        fee: input.fee,
        debited,
        provider: 'circle',
        ledgerTransactionId: randomUUID(),
        completedAt: new Date(input.completedAt).toISOString(),
      },
    },
  ];
}

/** A completed swap between two of the user's assets. */
export function swapCompleted(input: {
  userId: string;
  from: string;
  to: string;
  amountIn: string;
  fee: string;
  rate: string;
  amountOut: string;
  at: string | Date;
}): JournalEntry<'SwapCompleted'> {
  const swapId = randomUUID();
  return {
    type: 'SwapCompleted',
    aggregateId: swapId,
    userIds: [input.userId],
    occurredAt: input.at,
    payload: {
      swapId,
      userId: input.userId,
      quoteId: randomUUID(),
      from: input.from,
      to: input.to,
      amountIn: input.amountIn,
      fee: input.fee,
      rate: input.rate,
      amountOut: input.amountOut,
      provider: 'tempo',
      ledgerTransactionId: randomUUID(),
      completedAt: new Date(input.at).toISOString(),
    },
  };
}

/** Sums decimal strings exactly (at most 6 decimals). */
export function addDecimal(...amounts: string[]): string {
  const SCALE = 6;
  const units = amounts.reduce((sum, amount) => sum + toUnits(amount, SCALE), 0n);
  return fromUnits(units, SCALE);
}

export function toUnits(amount: string, scale = 6): bigint {
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = (negative ? amount.slice(1) : amount).split('.');
  const units = BigInt(whole + fraction.padEnd(scale, '0').slice(0, scale));
  return negative ? -units : units;
}

export function fromUnits(units: bigint, scale = 6): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const text = magnitude.toString().padStart(scale + 1, '0');
  let fraction = text.slice(-scale);
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${negative ? '-' : ''}${text.slice(0, -scale)}.${fraction}`;
}

/** Every row of analytics' projection tables, in a stable order: what a rebuild must reproduce exactly. */
export async function analyticsState(t: TestApp): Promise<Record<string, unknown[]>> {
  const dataSource = t.app.get(DataSource);
  const dump = (sql: string) => dataSource.query(sql) as Promise<unknown[]>;
  return {
    users: await dump(`SELECT user_id, timezone FROM analytics_users ORDER BY user_id`),
    movements: await dump(
      `SELECT line_id, user_id, reference_id, batch_id, type, kind, direction, status, occurred_at,
              local_day::text, currency, amount::text, fee::text, fee_mode, usd_rate, usd_amount::text,
              usd_fee::text, counterparty, merchant_name, note, excluded, auto_category, auto_sub_category,
              auto_confidence, category, sub_category, confidence, category_source, rule_id
         FROM analytics_movements ORDER BY line_id`,
    ),
    daily: await dump(
      `SELECT user_id, day::text, direction, excluded, category, sub_category, merchant, counterparty, currency,
              amount::text, usd_amount::text, count
         FROM analytics_daily
        ORDER BY user_id, day, direction, excluded, category, sub_category, merchant, counterparty, currency`,
    ),
    weekly: await dump(
      `SELECT user_id, week::text, direction, excluded, category, sub_category, merchant, counterparty, currency,
              amount::text, usd_amount::text, count
         FROM analytics_weekly
        ORDER BY user_id, week, direction, excluded, category, sub_category, merchant, counterparty, currency`,
    ),
    monthly: await dump(
      `SELECT user_id, month::text, direction, excluded, category, sub_category, merchant, counterparty, currency,
              amount::text, usd_amount::text, count
         FROM analytics_monthly
        ORDER BY user_id, month, direction, excluded, category, sub_category, merchant, counterparty, currency`,
    ),
    payees: await dump(
      `SELECT user_id, payee_kind, payee, currency, amount::text, occurrences, last_at, recent
         FROM analytics_payees ORDER BY user_id, payee_kind, payee, currency, amount`,
    ),
  };
}

/** A CSV document's rows as objects keyed by its header (quoted cells with commas, quotes and line breaks). */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, index) => [name, cells[index]])));
}
