import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { onboard, type SeededUser } from './seed';
import { round, sleep, summarize, type LatencySummary } from './stats';

/**
 * The analytics scenario: one user with a year of history (`movements` money movements, written to the event
 * journal backdated over the last 365 days exactly as producers write events, then projected by the API's own
 * outbox relay into history, portfolio and analytics read models), then each analytics route asked `samples`
 * times in a row. The figure that matters is each route's p95 against the 50 ms target: the routes must answer
 * from the rollups, whatever the number of movements.
 */
export interface AnalyticsOptions {
  movements: number;
  samples: number;
}

export interface RouteLatency extends LatencySummary {
  route: string;
  label: string;
  targetMs: number;
  met: boolean;
  bytes: number;
}

export interface AnalyticsReport {
  movements: number;
  events: number;
  historyLines: number;
  rollupRows: number;
  seed: { journalSeconds: number; projectionSeconds: number; eventsPerSecond: number };
  routes: RouteLatency[];
  export: { rows: number; bytes: number; seconds: number; rowsPerSecond: number };
  allMet: boolean;
}

export const ANALYTICS_P95_TARGET_MS = 50;

const DAY = 86_400_000;
const NOTES_OUT = [
  'coffee',
  'lunch',
  'groceries',
  'rent',
  'uber',
  'movie night',
  'gift',
  'gym',
  'dinner',
  null,
];
const NOTES_IN = ['salary', 'rent share', 'thanks', null];
const DESCRIPTORS = [
  'AMZN MKTP US*2K4',
  'STARBUCKS STORE 12345',
  'UBER *TRIP',
  'UBER *EATS',
  'WHOLEFDS MKT 10234',
  'TARGET 00012345',
  'SHELL OIL 57442',
  'SQ *BLUE BOTTLE COFFEE',
  'CHIPOTLE 1234',
  'DOORDASH*BURGERKING',
  'APPLE.COM/BILL',
  'WALGREENS #1234',
  'HOME DEPOT 0456',
  'DELTA AIR 0062312',
  'AIRBNB * HMQ2',
  'COMCAST CABLE',
  'VERIZON WRLS',
  'PLANET FITNESS',
  'TRADER JOES #552',
  'CORNER DELI 0042 AUSTIN TX',
];

interface Event {
  type: string;
  aggregateId: string;
  userIds: string[];
  payload: Record<string, unknown>;
  occurredAt: Date;
}

/** `amount` + `fee`, decimal strings of at most 6 decimals (the debited amount of a movement). */
function plus(amount: string, fee: string): string {
  const units = (text: string) => {
    const [whole, fraction = ''] = text.split('.');
    return BigInt(whole + fraction.padEnd(6, '0'));
  };
  const total = (units(amount) + units(fee)).toString().padStart(7, '0');
  return `${total.slice(0, -6)}.${total.slice(-6)}`;
}

function amountOf(i: number): string {
  return `${1 + ((i * 7919) % 240)}.${String((i * 31) % 100).padStart(2, '0')}`;
}

/** The user's year, oldest first: a deterministic mix of every kind of movement, with a few subscriptions. */
function history(
  user: string,
  others: string[],
  movements: number,
  now: number,
): { events: Event[]; lines: number } {
  const events: Event[] = [];
  let lines = 0;
  const start = now - 365 * DAY;
  const at = (i: number) => new Date(start + Math.floor((i * 365 * DAY) / movements));
  for (let i = 0; i < movements; i += 1) {
    const when = at(i);
    const other = others[i % others.length];
    const currency = i % 9 === 0 ? 'EURC' : 'USDC';
    const amount = amountOf(i);
    const kind = i % 20;
    const id = randomUUID();
    const common = { ledgerTransactionId: randomUUID(), completedAt: when.toISOString() };
    if (kind < 9) {
      events.push({
        type: 'FundsTransferred',
        aggregateId: id,
        userIds: [user, other],
        occurredAt: when,
        payload: {
          transferId: id,
          batchId: null,
          senderId: user,
          recipientId: other,
          currency,
          amount,
          fee: '0.00',
          note: NOTES_OUT[i % NOTES_OUT.length],
          ...common,
        },
      });
    } else if (kind < 14) {
      events.push({
        type: 'ExternalTransferCompleted',
        aggregateId: id,
        userIds: [user],
        occurredAt: when,
        payload: {
          transferId: id,
          userId: user,
          currency,
          amount,
          to: `0x${(i % 50).toString(16).padStart(40, '0')}`,
          recipients: 1,
          batchId: null,
          note: DESCRIPTORS[i % DESCRIPTORS.length],
          fee: '0.0001',
          debited: plus(amount, '0.0001'),
          provider: 'tempo',
          providerTransactionId: `0x${id.replace(/-/g, '')}`,
          ...common,
        },
      });
    } else if (kind < 17) {
      events.push({
        type: 'FundsTransferred',
        aggregateId: id,
        userIds: [other, user],
        occurredAt: when,
        payload: {
          transferId: id,
          batchId: null,
          senderId: other,
          recipientId: user,
          currency: 'USDC',
          amount,
          fee: '0.00',
          note: NOTES_IN[i % NOTES_IN.length],
          ...common,
        },
      });
    } else if (kind === 17) {
      events.push({
        type: 'DepositCompleted',
        aggregateId: id,
        userIds: [user],
        occurredAt: when,
        payload: {
          depositId: id,
          userId: user,
          currency: 'USDC',
          amount: '500.00',
          fee: '0.50',
          credited: '499.50',
          provider: 'tempo',
          method: 'bank',
          ...common,
        },
      });
    } else if (kind === 18) {
      events.push({
        type: 'WithdrawalCompleted',
        aggregateId: id,
        userIds: [user],
        occurredAt: when,
        payload: {
          withdrawalId: id,
          userId: user,
          currency: 'USDC',
          amount,
          fee: '1.00',
          debited: plus(amount, '1.00'),
          provider: 'circle',
          ...common,
        },
      });
    } else {
      events.push({
        type: 'SwapCompleted',
        aggregateId: id,
        userIds: [user],
        occurredAt: when,
        payload: {
          swapId: id,
          userId: user,
          quoteId: randomUUID(),
          from: 'USDC',
          to: 'USDT',
          amountIn: amount,
          fee: '0.01',
          rate: '1',
          amountOut: amount,
          provider: 'tempo',
          ...common,
        },
      });
      lines += 1;
    }
    lines += 1;
  }
  // Subscriptions: a monthly one on chain, and a weekly transfer.
  for (let m = 11; m >= 0; m -= 1) {
    const when = new Date(now - m * 30 * DAY - 2 * DAY);
    const id = randomUUID();
    events.push({
      type: 'ExternalTransferCompleted',
      aggregateId: id,
      userIds: [user],
      occurredAt: when,
      payload: {
        transferId: id,
        userId: user,
        currency: 'USDC',
        amount: '15.49',
        to: '0x00000000000000000000000000000000000000ff',
        recipients: 1,
        batchId: null,
        note: 'NETFLIX.COM',
        fee: '0.0001',
        debited: '15.4901',
        provider: 'tempo',
        providerTransactionId: `0x${id.replace(/-/g, '')}`,
        ledgerTransactionId: randomUUID(),
        completedAt: when.toISOString(),
      },
    });
    lines += 1;
  }
  events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  return { events, lines };
}

async function writeJournal(client: Client, events: Event[]): Promise<void> {
  const CHUNK = 2_000;
  for (let i = 0; i < events.length; i += CHUNK) {
    const part = events.slice(i, i + CHUNK);
    await client.query(
      `INSERT INTO outbox (event_id, type, version, aggregate_id, user_ids, payload, occurred_at)
       SELECT e.event_id, e.type, 1, e.aggregate_id, string_to_array(e.user_ids, ',')::uuid[], e.payload::jsonb,
              e.occurred_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
              AS e(event_id, type, aggregate_id, user_ids, payload, occurred_at)`,
      [
        part.map(() => randomUUID()),
        part.map((e) => e.type),
        part.map((e) => e.aggregateId),
        part.map((e) => e.userIds.join(',')),
        part.map((e) => JSON.stringify(e.payload)),
        part.map((e) => e.occurredAt),
      ],
    );
  }
}

async function timed(url: string, token: string): Promise<{ ms: number; bytes: number; status: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, bytes: body.byteLength, status: response.status };
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export async function runAnalytics(
  baseUrl: string,
  databaseUrl: string,
  options: AnalyticsOptions,
  log: (line: string) => void,
): Promise<AnalyticsReport> {
  const stamp = Date.now();
  const user = await onboard(baseUrl, `analytics.${stamp}@bench.example.com`);
  const others: SeededUser[] = [];
  for (let i = 0; i < 20; i += 1)
    others.push(await onboard(baseUrl, `analytics.${stamp}.${i}@bench.example.com`));
  const now = Date.now();
  const { events, lines } = history(
    user.id,
    others.map((o) => o.id),
    options.movements,
    now,
  );

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const journalStarted = performance.now();
    await writeJournal(client, events);
    const journalSeconds = (performance.now() - journalStarted) / 1000;
    log(`  journal: ${events.length} events written in ${round(journalSeconds)} s; the relay projects them`);
    const projectionStarted = performance.now();
    let lastReport = projectionStarted;
    for (;;) {
      const { rows } = await client.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL`,
      );
      if (rows[0].pending === 0) break;
      if (performance.now() - lastReport > 15_000) {
        log(`  … ${rows[0].pending} events still to project`);
        lastReport = performance.now();
      }
      await sleep(250);
    }
    const projectionSeconds = (performance.now() - projectionStarted) / 1000;
    log(
      `  projected in ${round(projectionSeconds)} s (${Math.round(events.length / projectionSeconds)} events/s, ` +
        'history, portfolio and analytics together)',
    );
    // As autovacuum would after a bulk load: fresh statistics for the planner.
    await client.query(`ANALYZE analytics_daily`);
    await client.query(`ANALYZE analytics_movements`);
    await client.query(`ANALYZE analytics_payees`);
    const { rows: counts } = await client.query<{ movements: number; daily: number }>(
      `SELECT (SELECT count(*)::int FROM analytics_movements WHERE user_id = $1) AS movements,
              (SELECT count(*)::int FROM analytics_daily WHERE user_id = $1) AS daily`,
      [user.id],
    );

    const today = isoDay(now);
    const monthStart = `${today.slice(0, 7)}-01`;
    const yearAgo = isoDay(now - 364 * DAY);
    const monthAgo = isoDay(now - 29 * DAY);
    const routes: Array<{ label: string; path: string }> = [
      {
        label: 'spending, this month, by day and category',
        path: `/api/analytics/spending?from=${monthStart}&to=${today}`,
      },
      {
        label: 'spending, 30 days, by day and merchant',
        path: `/api/analytics/spending?from=${monthAgo}&to=${today}&groupBy=merchant`,
      },
      {
        label: 'spending, a year, by month and category',
        path: `/api/analytics/spending?from=${yearAgo}&to=${today}&granularity=month`,
      },
      {
        label: 'spending, a year, by week and counterparty',
        path: `/api/analytics/spending?from=${yearAgo}&to=${today}&granularity=week&groupBy=counterparty`,
      },
      {
        label: 'spending, a year, by month and currency',
        path: `/api/analytics/spending?from=${yearAgo}&to=${today}&granularity=month&groupBy=currency`,
      },
      { label: 'trends, 6 months', path: '/api/analytics/trends?months=6' },
      { label: 'trends, 12 months', path: '/api/analytics/trends?months=12' },
      { label: 'categories, a year', path: `/api/analytics/categories?from=${yearAgo}&to=${today}` },
      { label: 'summary', path: '/api/analytics/summary' },
    ];
    const measured: RouteLatency[] = [];
    for (const route of routes) {
      const url = `${baseUrl}${route.path}`;
      for (let i = 0; i < 5; i += 1) {
        const warm = await timed(url, user.token);
        if (warm.status !== 200) throw new Error(`${route.path} answered ${warm.status}`);
      }
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < options.samples; i += 1) {
        const sample = await timed(url, user.token);
        if (sample.status !== 200) throw new Error(`${route.path} answered ${sample.status}`);
        samples.push(sample.ms);
        bytes = sample.bytes;
      }
      const summary = summarize(samples);
      measured.push({
        route: route.path.replace(/\d{4}-\d{2}-\d{2}/g, 'YYYY-MM-DD'),
        label: route.label,
        ...summary,
        targetMs: ANALYTICS_P95_TARGET_MS,
        met: summary.p95Ms <= ANALYTICS_P95_TARGET_MS,
        bytes,
      });
      log(
        `  ${route.label}: p50 ${summary.p50Ms} ms, p95 ${summary.p95Ms} ms, p99 ${summary.p99Ms} ms (${bytes} bytes)`,
      );
    }

    const exportStarted = performance.now();
    const exported = await timed(
      `${baseUrl}/api/transactions/export?from=${yearAgo}&to=${today}`,
      user.token,
    );
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    const { rows: exportRows } = await client.query<{ rows: number }>(
      `SELECT count(*)::int AS rows FROM analytics_movements WHERE user_id = $1 AND local_day BETWEEN $2 AND $3`,
      [user.id, yearAgo, today],
    );
    log(
      `  export of the year: ${exportRows[0].rows} rows, ${exported.bytes} bytes in ${round(exportSeconds)} s`,
    );
    return {
      movements: options.movements + 12,
      events: events.length,
      historyLines: lines,
      rollupRows: counts[0].daily,
      seed: {
        journalSeconds: round(journalSeconds),
        projectionSeconds: round(projectionSeconds),
        eventsPerSecond: Math.round(events.length / projectionSeconds),
      },
      routes: measured,
      export: {
        rows: exportRows[0].rows,
        bytes: exported.bytes,
        seconds: round(exportSeconds),
        rowsPerSecond: Math.round(exportRows[0].rows / exportSeconds),
      },
      allMet: measured.every((r) => r.met),
    };
  } finally {
    await client.end();
  }
}

/** The scenario's figures as a Markdown section. */
export function renderAnalytics(report: AnalyticsReport): string {
  const lines = [
    `### Analytics: one user with ${report.movements.toLocaleString('en-US')} movements`,
    '',
    `A year of history written to the event journal (${report.events.toLocaleString('en-US')} events, ` +
      `${report.historyLines.toLocaleString('en-US')} lines of history; backdated over 365 days) and projected by ` +
      `the API's outbox relay in ${report.seed.projectionSeconds} s (${report.seed.eventsPerSecond} events/s for ` +
      `history, portfolio and analytics together); ${report.rollupRows.toLocaleString('en-US')} daily rollup rows. ` +
      'Each route asked in a row after 5 warm-up requests (HTTP round trip from the bench process included):',
    '',
    '| route | p50 | p95 | p99 | target p95 | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...report.routes.map(
      (r) =>
        `| ${r.label} | ${r.p50Ms} ms | ${r.p95Ms} ms | ${r.p99Ms} ms | ≤ ${r.targetMs} ms | ${r.met ? 'yes' : 'no'} |`,
    ),
    '',
    `Export of the year (CSV, streamed): ${report.export.rows.toLocaleString('en-US')} rows, ` +
      `${Math.round(report.export.bytes / 1024).toLocaleString('en-US')} KiB in ${report.export.seconds} s ` +
      `(${report.export.rowsPerSecond.toLocaleString('en-US')} rows/s).`,
  ];
  return lines.join('\n');
}
