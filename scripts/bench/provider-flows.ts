import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { Money } from '#monay/kernel';
import type { LoadSpec } from './load-types';
import { CPU_COLUMN, cpuCell, fmt, lat, ms, row, times } from './markdown';
import type { LadderReport } from './report';
import { deposit, type SeededUser } from './seed';
import { mapLimit, ratio, sleep } from './stats';

/**
 * Withdrawals and swaps under load (issue 20: "withdrawals and swaps (sandbox latency 0) peak, reported with their
 * ratio to P2P"): after the uniform P2P ladder, on the same API, random funded users each send
 * `POST /api/consumer/withdraw` (USDC to a bank account) and then `POST /api/consumer/swap` (USDC → USDT, quoted and
 * executed at once), a fresh Idempotency-Key per request, at the P2P peak's connection count (or a ladder). The
 * API runs with PROVIDER_SANDBOX_LATENCY_SCALE=0, so what is measured is our side of the flow: the hold (or the
 * quote), the provider call, its settlement seen by polling, the booking, the idempotency record and the outbox.
 */
export const FLOWS = {
  withdraw: { path: '/api/consumer/withdraw', kind: 'withdrawal', title: 'USDC to a bank account' },
  swap: { path: '/api/consumer/swap', kind: 'swap', title: 'USDC → USDT, quoted and executed at once' },
} as const;
export type Flow = keyof typeof FLOWS;

/**
 * A withdrawal holds its amount plus the highest fee a candidate provider may charge (Circle's 1.00) until it
 * settles; Tempo then keeps 0.10 % (at least 0.0001) and releases the rest.
 */
export const WITHDRAWAL_FEE_HELD = '1.00';
/** Longest wait, after a flow's last level, for its movements to settle and the outbox to be published. */
const SETTLE_WAIT_MS = 60_000;

/** A flow's movements at one moment, by status, and the outbox events not yet published. */
export interface FlowMovements {
  pending: number;
  completed: number;
  failed: number;
  outboxBacklog: number;
}

export interface FlowReport extends LadderReport {
  flow: Flow;
  path: string;
  /** 2xx answers over every level: 201 settled at the provider before the answer; 202 accepted, still there. */
  completedAtAnswer: number;
  acceptedAtAnswer: number;
  /** Peak 2xx req/s of this flow / the uniform P2P peak. */
  ratioToP2p: number | null;
  /** When its last level ended, and after waiting for the provider and the relay (or giving up). */
  atEnd: FlowMovements;
  afterWait: FlowMovements & { waitedMs: number };
}

export interface FlowFunding {
  /** Requests each flow could send at most: twice the P2P peak rate over every level. */
  requestsPerFlowBound: number;
  /** What the busiest user could need (USDC), what the poorest user had before the phase, and any top-up. */
  neededPerUser: string;
  lowestBefore: string;
  toppedUpPerUser: string | null;
}

export interface ProviderFlowsReport {
  latencyScale: string;
  amount: string;
  users: number;
  connections: number[];
  /** The outbox events the P2P phases left unpublished, waited for before the first flow (`left`: still there). */
  relayBefore: { backlog: number; left: number; waitedMs: number };
  funding: FlowFunding;
  withdraw: FlowReport;
  swap: FlowReport;
}

export interface FlowsSummary {
  withdrawPeakRps: number | null;
  withdrawPeakConnections: number | null;
  withdrawP50MsAtPeak: number | null;
  withdrawP95MsAtPeak: number | null;
  withdrawP99MsAtPeak: number | null;
  /** Withdrawal peak / uniform P2P peak. */
  withdrawRatioToP2p: number | null;
  swapPeakRps: number | null;
  swapPeakConnections: number | null;
  swapP50MsAtPeak: number | null;
  swapP95MsAtPeak: number | null;
  swapP99MsAtPeak: number | null;
  /** Swap peak / uniform P2P peak. */
  swapRatioToP2p: number | null;
}

/**
 * How many of `requests`, each sent by one of `users` drawn uniformly at random, the busiest user may send: the
 * mean plus six standard deviations of a Poisson count, plus six (a bound, not an estimate).
 */
export function busiestUserShare(requests: number, users: number): number {
  const mean = requests / Math.max(1, users);
  return Math.ceil(mean + 6 * Math.sqrt(mean) + 6);
}

/**
 * USDC the busiest user needs for the phase: each of its withdrawals held at once (amount + the highest fee) as if
 * none settled, and each of its swaps' amount. It over-counts on purpose: a refused request would spoil the peak.
 */
export function fundingPerUser(requestsPerFlow: number, users: number, amount: Money): Money {
  const share = BigInt(busiestUserShare(requestsPerFlow, users));
  const withdrawal = amount.minor + Money.parse(WITHDRAWAL_FEE_HELD, amount.code).minor;
  return Money.of(share * (withdrawal + amount.minor), amount.code);
}

export interface ProviderFlowsContext {
  /** The uniform P2P phase's load spec (users, amount, duration); path and mode are replaced. */
  base: Omit<LoadSpec, 'connections' | 'label' | 'mode' | 'record'>;
  databaseUrl: string;
  users: SeededUser[];
  connections: number[];
  p2pPeakRps: number;
  latencyScale: string;
}

export type RunLadder = (
  base: Omit<LoadSpec, 'connections' | 'label'>,
  label: string,
  connections: number[],
) => Promise<LadderReport>;

async function lowestAvailable(client: Client, users: SeededUser[], amount: Money): Promise<Money> {
  const { rows } = await client.query<{ accounts: number; lowest: string | null }>(
    `SELECT count(*)::int AS accounts, min(posted - pending_debits)::text AS lowest
       FROM ledger_accounts
      WHERE kind = 'user_wallet' AND currency = $2 AND owner_id = ANY($1::uuid[])`,
    [users.map((u) => u.id), amount.code],
  );
  // A user without an account (never funded) has nothing.
  if (rows[0].accounts < users.length || rows[0].lowest === null) return Money.zero(amount.code);
  return Money.of(BigInt(rows[0].lowest), amount.code);
}

/** Tops every user up when the poorest could not pay for the busiest user's share of the phase. */
async function fund(
  context: ProviderFlowsContext,
  client: Client,
  log: (line: string) => void,
): Promise<FlowFunding> {
  const amount = Money.parse(context.base.transferAmount, 'USDC');
  const levelSeconds = context.base.durationSeconds * context.connections.length;
  const requestsPerFlowBound = Math.ceil(Math.max(context.p2pPeakRps, 50) * 2 * levelSeconds);
  const needed = fundingPerUser(requestsPerFlowBound, context.users.length, amount);
  const lowest = await lowestAvailable(client, context.users, amount);
  let toppedUp: Money | null = null;
  if (lowest.lessThan(needed)) {
    // Deposits pay Tempo's 0.10 % (at least 0.0001): ask for 0.2 % more than what is missing, plus a cent.
    const missing = needed.minus(lowest).minor;
    const topUp = Money.of(missing + missing / 500n + 10_000n, 'USDC');
    log(`  topping up ${context.users.length} users by ${topUp.toDecimalString()} USDC each`);
    await mapLimit(context.users, 8, (user) => deposit(context.base.baseUrl, user, topUp.toDecimalString()));
    toppedUp = topUp;
  }
  return {
    requestsPerFlowBound,
    neededPerUser: needed.toDecimalString(),
    lowestBefore: lowest.toDecimalString(),
    toppedUpPerUser: toppedUp?.toDecimalString() ?? null,
  };
}

async function movements(client: Client, kind: string): Promise<FlowMovements> {
  const { rows } = await client.query<FlowMovements>(
    `SELECT count(*) FILTER (WHERE status IN ('pending', 'processing'))::int AS pending,
            count(*) FILTER (WHERE status = 'completed')::int AS completed,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            (SELECT count(*)::int FROM outbox WHERE published_at IS NULL) AS "outboxBacklog"
       FROM provider_movements WHERE kind = $1`,
    [kind],
  );
  return rows[0];
}

async function outboxBacklog(client: Client): Promise<number> {
  const { rows } = await client.query<{ pending: number }>(
    `SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL`,
  );
  return rows[0].pending;
}

/** Lets the relay publish what the earlier phases committed, so that the flows do not share the API with it. */
async function waitForRelay(client: Client): Promise<ProviderFlowsReport['relayBefore']> {
  const started = performance.now();
  const backlog = await outboxBacklog(client);
  let left = backlog;
  while (left > 0 && performance.now() - started < SETTLE_WAIT_MS) {
    await sleep(250);
    left = await outboxBacklog(client);
  }
  return { backlog, left, waitedMs: Math.round(performance.now() - started) };
}

async function runFlow(
  flow: Flow,
  context: ProviderFlowsContext,
  client: Client,
  runLadder: RunLadder,
  log: (line: string) => void,
): Promise<FlowReport> {
  const { path, kind, title } = FLOWS[flow];
  log(`${flow}: ${path} (${title}), random funded users, connections ${context.connections.join('/')}`);
  const ladder = await runLadder(
    { ...context.base, path, mode: flow, record: false },
    flow,
    context.connections,
  );
  const atEnd = await movements(client, kind);
  const waitStarted = performance.now();
  let afterWait = atEnd;
  while (
    (afterWait.pending > 0 || afterWait.outboxBacklog > 0) &&
    performance.now() - waitStarted < SETTLE_WAIT_MS
  ) {
    await sleep(250);
    afterWait = await movements(client, kind);
  }
  const waitedMs = Math.round(performance.now() - waitStarted);
  log(
    `  ${kind}s: ${atEnd.completed} completed, ${atEnd.pending} pending, ${atEnd.failed} failed and ` +
      `${atEnd.outboxBacklog} outbox events unpublished at the end; after ${waitedMs} ms ${afterWait.completed} ` +
      `completed, ${afterWait.pending} pending, ${afterWait.failed} failed, backlog ${afterWait.outboxBacklog}`,
  );
  const answered = (status: string) =>
    ladder.levels.reduce((sum, level) => sum + (level.statusCounts[status] ?? 0), 0);
  return {
    ...ladder,
    flow,
    path,
    completedAtAnswer: answered('201'),
    acceptedAtAnswer: answered('202'),
    ratioToP2p: ratio(ladder.peak.rps, context.p2pPeakRps),
    atEnd,
    afterWait: { ...afterWait, waitedMs },
  };
}

/** Funds the users if needed, then the withdrawal ladder and the swap ladder, each waited on until settled. */
export async function runProviderFlows(
  context: ProviderFlowsContext,
  runLadder: RunLadder,
  log: (line: string) => void,
): Promise<ProviderFlowsReport> {
  const client = new Client({ connectionString: context.databaseUrl });
  await client.connect();
  try {
    const relayBefore = await waitForRelay(client);
    log(
      `withdrawals and swaps: ${relayBefore.backlog} outbox events unpublished, ${relayBefore.left} left after ` +
        `${relayBefore.waitedMs} ms`,
    );
    const funding = await fund(context, client, log);
    const withdraw = await runFlow('withdraw', context, client, runLadder, log);
    const swap = await runFlow('swap', context, client, runLadder, log);
    return {
      latencyScale: context.latencyScale,
      amount: context.base.transferAmount,
      users: context.users.length,
      connections: context.connections,
      relayBefore,
      funding,
      withdraw,
      swap,
    };
  } finally {
    await client.end();
  }
}

export function flowsSummary(flows: ProviderFlowsReport | null | undefined): FlowsSummary {
  const of = (flow: FlowReport | undefined) => ({
    rps: flow?.peak.rps ?? null,
    connections: flow?.peak.connections ?? null,
    p50: flow?.peak.latency.p50Ms ?? null,
    p95: flow?.peak.latency.p95Ms ?? null,
    p99: flow?.peak.latency.p99Ms ?? null,
    ratio: flow?.ratioToP2p ?? null,
  });
  const w = of(flows?.withdraw);
  const s = of(flows?.swap);
  return {
    withdrawPeakRps: w.rps,
    withdrawPeakConnections: w.connections,
    withdrawP50MsAtPeak: w.p50,
    withdrawP95MsAtPeak: w.p95,
    withdrawP99MsAtPeak: w.p99,
    withdrawRatioToP2p: w.ratio,
    swapPeakRps: s.rps,
    swapPeakConnections: s.connections,
    swapP50MsAtPeak: s.p50,
    swapP95MsAtPeak: s.p95,
    swapP99MsAtPeak: s.p99,
    swapRatioToP2p: s.ratio,
  };
}

/** The headline table's rows: each flow's peak, its ratio to the P2P peak, and to the raw-SQL best. */
export function flowRows(flows: ProviderFlowsReport | null | undefined, rawBestTps: number | null): string[] {
  return (['withdraw', 'swap'] as const).map((flow) => {
    const report = flows?.[flow];
    if (!report) return row([`API \`POST ${FLOWS[flow].path}\` (${FLOWS[flow].title})`, 'skipped', '–', '–']);
    return row([
      `API \`POST ${report.path}\` (${FLOWS[flow].title}; sandbox latency ${flows.latencyScale}), random users, ` +
        `peak (c=${report.peak.connections}); ${times(report.ratioToP2p)} of P2P`,
      `${fmt(report.peak.rps)} req/s`,
      lat(report.peak.latency),
      times(ratio(report.peak.rps, rawBestTps)),
    ]);
  });
}

function settled(m: FlowMovements): string {
  return `${fmt(m.completed)} completed, ${fmt(m.pending)} pending, ${fmt(m.failed)} failed; ${fmt(m.outboxBacklog)} outbox events unpublished`;
}

/** The detail section: every level of both flows, and what became of the accepted movements. */
export function renderFlows(flows: ProviderFlowsReport): string[] {
  const lines = [
    `**Withdrawals and swaps** (\`PROVIDER_SANDBOX_LATENCY_SCALE=${flows.latencyScale}\`): after the uniform P2P ` +
      `ladder, on the same API, ${fmt(flows.users)} random users each send ${flows.amount} USDC per request with a ` +
      'fresh Idempotency-Key: `POST /api/consumer/withdraw` (`{amount, currency: "USDC", destination, speed: ' +
      '"standard"}`), then `POST /api/consumer/swap` (`{from: "USDC", to: "USDT", amount}`, quoted and executed in ' +
      'one request). Each request holds the funds (or quotes), calls the provider (Tempo, first by priority), waits ' +
      "for its settlement by asking the provider's status every 10 ms (the engine's floor at latency 0), books it " +
      'and stores the idempotent answer with its outbox events. The peak counts 2xx answers: 201 settled before the ' +
      'answer, 202 accepted and still at the provider. On settlement the sandbox also posts a signed webhook to ' +
      'this API (`/api/webhooks/providers/tempo`), which finds the movement settled: that traffic runs during the load ' +
      'and is not counted.',
    '',
    row([
      'flow',
      'connections',
      '2xx req/s',
      'p50 / p95 / p99 ms',
      '201 / 202',
      'non-2xx',
      'errors',
      'in-API mean ms',
      CPU_COLUMN,
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const flow of [flows.withdraw, flows.swap]) {
    for (const level of flow.levels) {
      lines.push(
        row([
          FLOWS[flow.flow].path,
          `${level.connections}${level === flow.peak ? ' (peak)' : ''}`,
          fmt(level.rps),
          lat(level.latency),
          `${fmt(level.statusCounts['201'] ?? 0)} / ${fmt(level.statusCounts['202'] ?? 0)}`,
          String(level.non2xx),
          String(level.errors),
          ms(level.server?.meanMs),
          cpuCell(level),
        ]),
      );
    }
  }
  lines.push('');
  const f = flows.funding;
  const after = (flow: FlowReport) =>
    `${flow.flow === 'withdraw' ? 'Withdrawals' : 'Swaps'} when the last level ended: ${settled(flow.atEnd)}; ` +
    (flow.afterWait.pending === 0 && flow.afterWait.outboxBacklog === 0
      ? `all settled and published ${fmt(flow.afterWait.waitedMs)} ms later (${settled(flow.afterWait)})`
      : `**still not settled or published after ${fmt(flow.afterWait.waitedMs)} ms** (${settled(flow.afterWait)})`);
  const waits = (flow: FlowReport) =>
    flow.peak.waits?.length
      ? `At the ${flow.flow} peak (c=${flow.peak.connections}) the API's PostgreSQL connections were on average, ` +
        `by state / wait event: ${flow.peak.waits
          .slice(0, 6)
          .map((w) => `${w.state} ${w.avgConnections}`)
          .join('; ')}. `
      : '';
  const r = flows.relayBefore;
  lines.push(
    `Before the first flow the relay had ${fmt(r.backlog)} outbox events of the earlier phases to publish: ` +
      (r.left === 0
        ? `published in ${fmt(r.waitedMs)} ms, before the load began. `
        : `**${fmt(r.left)} still unpublished after ${fmt(r.waitedMs)} ms**: the relay shared the machine with the flows. `) +
      `${waits(flows.withdraw)}${waits(flows.swap)}${after(flows.withdraw)}. ${after(flows.swap)}. Funding: the poorest user had ${f.lowestBefore} USDC before ` +
      `the phase; the busiest could need ${f.neededPerUser} (every withdrawal held with the ${WITHDRAWAL_FEE_HELD} ` +
      `fee margin as if none settled, at most ${fmt(f.requestsPerFlowBound)} requests per flow)` +
      (f.toppedUpPerUser ? `, so every user was topped up by ${f.toppedUpPerUser} USDC first.` : '.'),
    '',
  );
  return lines;
}
