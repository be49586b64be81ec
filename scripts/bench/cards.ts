import { createHmac, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { deposit, onboard, postJson, type SeededUser } from './seed';
import { mapLimit, round, summarize, type LatencySummary } from './stats';

/** The issuer's deadline: Stripe Issuing answers a real-time authorization within 2 s, else its fallback decides. */
export const AUTHORIZATION_DEADLINE_MS = 2_000;

export interface CardsOptions {
  /** Cardholders (one card each), the authorizations spread over them. */
  cards: number;
  /** Authorizations in flight at once. */
  concurrency: number;
  /** Authorizations measured (after a warm-up of one per lane). */
  requests: number;
}

export interface CardsReport {
  cards: number;
  concurrency: number;
  requests: number;
  approved: number;
  declined: Record<string, number>;
  /** Non-200 answers and connection errors. */
  errors: number;
  seconds: number;
  perSecond: number;
  latency: LatencySummary;
  underDeadline: boolean;
}

/**
 * The real-time authorization under load (issue 16): `cards` Verified cardholders with a funded card each, then
 * `requests` authorizations signed as the issuer signs them (Standard Webhooks, the secret the API was given) and
 * POSTed to `/api/webhooks/cards/sandbox/authorize` with `concurrency` in flight — what the card network asks and
 * must hear back within 2 s. Each answer is timed from send to the last byte; each decision placed a ledger hold
 * (or declined) in one transaction.
 */
export async function runCards(
  baseUrl: string,
  databaseUrl: string,
  secret: string,
  options: CardsOptions,
  log: (line: string) => void,
): Promise<CardsReport> {
  const tag = randomBytes(4).toString('hex');
  const holders = await mapLimit(
    Array.from({ length: options.cards }, (_, i) => `cards.${tag}.${i}@bench.example.com`),
    8,
    (email) => onboard(baseUrl, email),
  );
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  let issuerCards: string[];
  try {
    // Verified, as the card feature requires (the tier table's `virtual_cards`): set as libs/kyc would.
    await db.query(`UPDATE wallets SET kyc_level = 2 WHERE user_id = ANY($1::uuid[])`, [
      holders.map((h) => h.id),
    ]);
    await mapLimit(holders, 8, (holder) => deposit(baseUrl, holder, '1000.00'));
    const cardIds = await mapLimit(holders, 8, (holder) => createCard(baseUrl, holder));
    const rows = await db.query<{ id: string; issuer_card_id: string }>(
      `SELECT id, issuer_card_id FROM cards WHERE id = ANY($1::uuid[])`,
      [cardIds],
    );
    const byId = new Map(rows.rows.map((row) => [row.id, row.issuer_card_id]));
    issuerCards = cardIds.map((id) => byId.get(id) as string);
  } finally {
    await db.end();
  }
  log(
    `  ${options.cards} cards issued and funded; ${options.requests} authorizations, ${options.concurrency} in flight`,
  );

  let sequence = 0;
  const ask = async (): Promise<{ ms: number; status: number; approved: boolean; code: string | null }> => {
    sequence += 1;
    const n = sequence;
    const id = `${tag}${String(n).padStart(8, '0')}`;
    const body = JSON.stringify({
      type: 'authorization.request',
      id: `areq_${id}`,
      authorization_id: `auth_${id}`,
      card_id: issuerCards[n % issuerCards.length],
      amount: 1 + (n % 500),
      currency: 'USD',
      merchant: { name: 'Bench Coffee', mcc: '5814', city: 'Springfield', country: 'US' },
      incremental: false,
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
      .update(`areq_${id}.${timestamp}.${body}`)
      .digest('base64');
    const started = performance.now();
    try {
      const response = await fetch(`${baseUrl}/api/webhooks/cards/sandbox/authorize`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'webhook-id': `areq_${id}`,
          'webhook-timestamp': timestamp,
          'webhook-signature': `v1,${signature}`,
        },
        body,
      });
      const answer = (await response.json()) as { approved?: boolean; declineCode?: string | null };
      return {
        ms: performance.now() - started,
        status: response.status,
        approved: answer.approved === true,
        code: answer.declineCode ?? null,
      };
    } catch {
      return { ms: performance.now() - started, status: 0, approved: false, code: null };
    }
  };

  // Warm-up: one per lane, not recorded.
  await Promise.all(Array.from({ length: options.concurrency }, () => ask()));
  const started = performance.now();
  const results = await mapLimit(
    Array.from({ length: options.requests }, (_, i) => i),
    options.concurrency,
    () => ask(),
  );
  const seconds = (performance.now() - started) / 1000;
  const declined: Record<string, number> = {};
  for (const r of results) {
    if (r.status === 200 && !r.approved)
      declined[r.code ?? 'UNKNOWN'] = (declined[r.code ?? 'UNKNOWN'] ?? 0) + 1;
  }
  const latency = summarize(results.map((r) => r.ms));
  return {
    cards: options.cards,
    concurrency: options.concurrency,
    requests: options.requests,
    approved: results.filter((r) => r.status === 200 && r.approved).length,
    declined,
    errors: results.filter((r) => r.status !== 200).length,
    seconds: round(seconds),
    perSecond: round(options.requests / seconds, 1),
    latency,
    underDeadline: latency.p99Ms < AUTHORIZATION_DEADLINE_MS,
  };
}

async function createCard(baseUrl: string, holder: SeededUser): Promise<string> {
  const response = await postJson(
    baseUrl,
    '/api/card/virtual/create',
    { nickname: 'bench' },
    { Authorization: `Bearer ${holder.token}` },
  );
  if (response.status !== 201) {
    throw new Error(`card for ${holder.email} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return (response.body as { card: { id: string } }).card.id;
}

export function renderCards(report: CardsReport): string {
  const declines = Object.entries(report.declined)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  return [
    '## Card authorizations (real time)',
    '',
    `${report.requests} authorizations signed as the issuer signs them, ${report.concurrency} in flight, over ` +
      `${report.cards} funded cards: each decided in one transaction (card state, limits, tier limits, funds, a ` +
      'ledger hold). The issuer waits 2 s at most.',
    '',
    '| in flight | answers/s | p50 / p95 / p99 ms | max ms | approved | declined | errors | p99 under 2 s |',
    '|---|---|---|---|---|---|---|---|',
    `| ${report.concurrency} | ${report.perSecond} | ${report.latency.p50Ms} / ${report.latency.p95Ms} / ` +
      `${report.latency.p99Ms} | ${report.latency.maxMs} | ${report.approved} | ${declines || '0'} | ` +
      `${report.errors} | ${report.underDeadline ? 'yes' : 'no'} |`,
  ].join('\n');
}
