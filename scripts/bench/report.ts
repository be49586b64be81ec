import { renderAnalytics, type AnalyticsReport } from './analytics';
import { renderCards, type CardsReport } from './cards';
import type { MeasuredLoad } from './api-load';
import { CPU_COLUMN, cpuCell, fmt, lat, ms, row, times } from './markdown';
import type { BatchResult } from './batch';
import type { MachineInfo } from './machine';
import type { PgbenchResult } from './pgbench';
import {
  embeddedToPglite,
  pgliteRawRow,
  renderPgliteRaw,
  type PgliteRawResult,
  type PgliteRawSummary,
} from './pglite-raw';
import { flowRows, renderFlows, type FlowsSummary, type ProviderFlowsReport } from './provider-flows';
import type { Backlog, DatabaseCounters, ServerInfo } from './postgres';
import type { RawResult } from './raw-sql';
import type { RealtimeResult } from './realtime';
import { renderSeededDetail, renderSeededRow, type SeededReport } from './seeded';
import type { LatencySummary } from './stats';

export type ReportedLoad = Omit<MeasuredLoad, 'recorded' | 'transfers'> & {
  waits?: Array<{ state: string; avgConnections: number }>;
};

export interface LadderReport {
  levels: ReportedLoad[];
  peak: ReportedLoad;
}

export interface Summary extends FlowsSummary, PgliteRawSummary {
  rawBestTps: number | null;
  rawBestConcurrency: number | null;
  pgbenchTps: number | null;
  p2pPeakRps: number | null;
  p2pPeakConnections: number | null;
  p2pP50MsAtPeak: number | null;
  p2pP95MsAtPeak: number | null;
  p2pP99MsAtPeak: number | null;
  p2pRatioToRaw: number | null;
  halfPeakTargetRps: number | null;
  halfPeakAchievedRps: number | null;
  p2pP50MsAtHalfPeak: number | null;
  p2pP95MsAtHalfPeak: number | null;
  p2pP99MsAtHalfPeak: number | null;
  /** The uniform load again after `--seed-users` users and `--seed-transactions` ledger transactions were written (seeded.ts). */
  seededUsers: number | null;
  seededTransactions: number | null;
  seededP2pRps: number | null;
  seededP2pP95Ms: number | null;
  seededRatioToEmpty: number | null;
  seededTargetMet: boolean | null;
  seededWriteSeconds: number | null;
  seededSealSeconds: number | null;
  hotPeakRps: number | null;
  hotRatioToUniform: number | null;
  hotRatioToRaw: number | null;
  batchRecipients: number | null;
  batch1000Ms: number | null;
  batchRecipientsPerSecond: number | null;
  batchRatioToRaw: number | null;
  /** Commit-to-socket `transfer.received`, from the transfer's `completedAt` (an upper bound), ms. */
  socketP50Ms: number | null;
  socketP95Ms: number | null;
  socketP99Ms: number | null;
  socketMaxMs: number | null;
  /** The same from the 201 response's arrival (a lower bound). */
  socketP95MsFromResponse: number | null;
  socketEvents: number | null;
  /** Transfers whose event never arrived (must be 0). */
  socketMissing: number | null;
  socketP95TargetMs: number;
  socketP95TargetMet: boolean | null;
  replayRps: number | null;
  replayP95Ms: number | null;
  replayRatioToRaw: number | null;
  replayAllReplayed: boolean | null;
  embeddedPeakRps: number | null;
  embeddedP95Ms: number | null;
  embeddedRatioToRaw: number | null;
  apiPeakRssMb: number | null;
  non2xxTotal: number;
  /** Connection errors and timeouts seen by the load generator. */
  loadErrorsTotal: number;
  ledgerVerifyClean: boolean | null;
  durationSeconds: number;
}

export interface BenchReport {
  summary: Summary;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: MachineInfo & { postgres: ServerInfo; loadAverageStart: string; loadAverageEnd: string };
  options: Record<string, unknown>;
  apiEnvironment: Record<string, string>;
  raw: RawResult | null;
  pgbench: PgbenchResult | null;
  seed: { users: number; seconds: number; onboardPerSecond: number; depositPerSecond: number } | null;
  apiStartupMs: number | null;
  uniform: LadderReport | null;
  halfPeak: ReportedLoad | null;
  /** What the background had left to do after the ladder, waited for before the half-peak phase. */
  halfPeakQuiet?: {
    backlog: Backlog;
    left: Backlog;
    waitedMs: number;
    /** The ladder's 2xx over its seconds plus the catch-up's: what the whole system (requests and background) kept up with. */
    sustainedRps: number;
  } | null;
  /** The uniform load on the database grown by seeded.ts (`--skip-seeded`: null). */
  seeded?: SeededReport | null;
  databasePerRequest: Record<string, number> | null;
  databaseCounters: { before: DatabaseCounters; after: DatabaseCounters; requests: number } | null;
  hot: LadderReport | null;
  batch: BatchResult | null;
  realtime: RealtimeResult | null;
  replay: (ReportedLoad & { requested: number }) | null;
  embedded:
    | (LadderReport & { users: number; seedSeconds: number; startupMs: number; peakRssMb: number | null })
    | null;
  memory: {
    apiPeakRssMbDuringP2p: number | null;
    apiPeakRssMbOverall: number | null;
    apiRssMbAfterSeed: number | null;
    /** The worker beside it (jobs, and with OUTBOX_RELAY=worker the relay); null without one. */
    workerPeakRssMbDuringP2p?: number | null;
  };
  ledgerVerify: { ran: boolean; clean: boolean | null; exitCode: number | null; output: string };
  /** One user with a year of history: each analytics route's latency (`--skip-analytics`: null). */
  analytics?: AnalyticsReport | null;
  /** Real-time card authorizations at `--cards-concurrency` in flight (`--skip-cards`: null). */
  cards?: CardsReport | null;
  /** Withdrawals and swaps at sandbox latency 0 (`--skip-flows`: null). */
  flows?: ProviderFlowsReport | null;
  /** The raw transfer on PGlite, the embedded default's reference (`--skip-pglite-raw`: null). */
  pgliteRaw?: PgliteRawResult | null;
  notes: string[];
}

function ladderTable(title: string, ladder: LadderReport): string[] {
  const lines = [
    `**${title}**`,
    '',
    row([
      'connections',
      '2xx req/s',
      'p50 / p95 / p99 ms',
      'non-2xx',
      'errors',
      'in-API mean ms',
      'event-loop delay p50 / p99 ms',
      CPU_COLUMN,
    ]),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const level of ladder.levels) {
    lines.push(
      row([
        `${level.connections}${level === ladder.peak ? ' (peak)' : ''}`,
        fmt(level.rps),
        lat(level.latency),
        String(level.non2xx),
        String(level.errors),
        ms(level.server?.meanMs),
        level.server ? `${ms(level.server.loopDelayP50Ms)} / ${ms(level.server.loopDelayP99Ms)}` : '–',
        cpuCell(level),
      ]),
    );
  }
  return [...lines, ''];
}

function waitsLine(label: string, load: ReportedLoad | undefined): string | null {
  if (!load?.waits?.length) return null;
  const top = load.waits
    .slice(0, 6)
    .map((w) => `${w.state} ${w.avgConnections}`)
    .join('; ');
  return `- ${label} (c=${load.connections}), API connections on average by state / wait event: ${top}`;
}

function realtimeRow(rt: RealtimeResult | null): string {
  if (!rt) return row(["Realtime: commit → recipient's socket has `transfer.received`", 'skipped', '–', '–']);
  const target = `target p95 ≤ ${rt.targetP95Ms} ms: ${rt.targetMet ? 'met' : '**NOT met**'}`;
  return row([
    `Realtime: commit → recipient's socket has \`transfer.received\`, ${rt.recipients} sockets, ` +
      `${fmt(rt.load.rps)} transfers/s (upper bound: from \`completedAt\`); ${target}`,
    `${fmt(rt.received)} of ${fmt(rt.transfers)} events` +
      (rt.missing > 0 ? `, **${rt.missing} MISSING**` : ', 0 missing'),
    lat(rt.fromCompletedAt),
    '–',
  ]);
}

function realtimeDetail(rt: RealtimeResult): string {
  const bracket = (l: LatencySummary | null) =>
    l ? `p50 / p95 / p99 / max ${lat(l)} / ${ms(l.maxMs)} ms` : 'not available';
  const problems = [
    `${rt.missing} missing after ${fmt(rt.eventWaitMs)} ms (must be 0)` +
      (rt.missingSample.length > 0 ? ` — e.g. ${rt.missingSample.join(', ')}` : ''),
    `${rt.wrongRecipient} on another user's socket`,
    `${rt.duplicates} duplicates`,
    `${rt.unmatched} for transfers whose 201 the load generator did not keep (in flight when it stopped; ` +
      `at most ${rt.load.connections} expected)`,
    `${rt.disconnects} sockets closed by the server`,
  ];
  return (
    `**Realtime**: ${rt.recipients} recipients, each with one Socket.IO client on \`/ws\` (websocket transport, ` +
    `handshake \`auth.token\`) in the bench's main thread, connected in ${fmt(rt.connectSeconds, 2)} s; outbox ` +
    `backlog ${rt.backlogAtStart} events before the load (` +
    (rt.backlogLeft === 0
      ? `cleared in ${fmt(rt.backlogWaitMs)} ms). `
      : `**${rt.backlogLeft} still unpublished after ${fmt(rt.backlogWaitMs)} ms**: the figures include that queue). `) +
    `${rt.transfers} P2P transfers to them from random other users, target ${rt.load.overallRate ?? '–'}/s over ` +
    `${rt.load.connections} connections for ${fmt(rt.load.seconds)} s: achieved ${fmt(rt.load.rps)}/s, HTTP ` +
    `p50 / p95 / p99 ${lat(rt.load.latency)} ms, ${rt.load.non2xx} non-2xx. Each 201's transfer id is matched with ` +
    "the `id` of the recipient's `transfer.received`. A client cannot see the commit, so the latency is bracketed " +
    "(one clock: the API, PostgreSQL and the bench share the machine; whole milliseconds): from the transfer's " +
    '`completedAt`, stamped inside the transaction just before the transfer update, outbox insert, idempotency ' +
    `record and COMMIT (overstates; the headline figure): ${bracket(rt.fromCompletedAt)}; from the arrival of the ` +
    `201, sent after the COMMIT (understates by the response's trip back): ${bracket(rt.fromResponse)}; ` +
    `${rt.beforeResponse} events arrived before their 201. The relay, which runs the consumers apart from the ` +
    `sockets' path (each API reads the outbox for its own sockets), took the events (outbox \`published_at\`) ` +
    `${bracket(rt.relayPickup)} after \`completedAt\`. ${problems.join('; ')}. Event-loop delay of the thread timestamping ` +
    `arrivals (a 5 ms timer: 5 ms is idle): p99 ${ms(rt.clientLoopDelayP99Ms)} ms, max ` +
    `${ms(rt.clientLoopDelayMaxMs)} ms. CPU cores API / worker / PostgreSQL / ` +
    `load gen / other / machine busy ${cpuCell(rt.load)}.`
  );
}

export function renderMarkdown(report: BenchReport): string {
  const s = report.summary;
  const m = report.machine;
  const uniformPeak = report.uniform?.peak;
  const hotPeak = report.hot?.peak;
  const embeddedPeak = report.embedded?.peak;
  const out: string[] = [
    '# Monay Wallet benchmark — latest run',
    '',
    `Generated by \`npm run bench\` on ${report.finishedAt} (took ${fmt(report.durationSeconds)} s). ` +
      'A benchmark, not a test: it never runs in CI. Figures are from one run on the machine below; ' +
      'the load generator, the API and PostgreSQL share its cores.',
    '',
    row(['Measurement', 'Throughput', 'p50 / p95 / p99 ms', 'vs raw SQL best']),
    row(['---', '---:', '---:', '---:']),
    row([
      `Raw SQL double-entry transfer (pg Pool, best of c=${report.raw?.levels.map((l) => l.concurrency).join('/') ?? '–'}, at c=${s.rawBestConcurrency ?? '–'})`,
      `${fmt(s.rawBestTps)} transfers/s`,
      lat(report.raw?.levels.find((l) => l.concurrency === s.rawBestConcurrency)?.latency),
      report.raw ? '1.000×' : '–',
    ]),
    row([
      `pgbench TPC-B-like, ${report.pgbench?.clients ?? '–'} clients, ${report.pgbench?.seconds ?? '–'} s`,
      report.pgbench?.tps != null ? `${fmt(report.pgbench.tps)} tps` : (report.pgbench?.note ?? 'skipped'),
      report.pgbench?.latencyAvgMs != null ? `avg ${ms(report.pgbench.latencyAvgMs)}` : '–',
      times(s.pgbenchTps != null && s.rawBestTps ? s.pgbenchTps / s.rawBestTps : null),
    ]),
    pgliteRawRow(report.pgliteRaw, s.rawBestTps),
    row([
      `API \`POST /api/p2p-transfer/send\`, random pairs, peak (c=${s.p2pPeakConnections ?? '–'})`,
      `${fmt(s.p2pPeakRps)} req/s`,
      lat(uniformPeak?.latency),
      times(s.p2pRatioToRaw),
    ]),
    row([
      `API P2P at half the peak rate (target ${fmt(s.halfPeakTargetRps)}/s, c=${report.halfPeak?.connections ?? '–'})`,
      `${fmt(s.halfPeakAchievedRps)} req/s`,
      lat(report.halfPeak?.latency),
      '–',
    ]),
    ...flowRows(report.flows, s.rawBestTps),
    renderSeededRow(report.seeded, s.rawBestTps),
    row([
      `Hot account: every user pays one merchant, peak (c=${hotPeak?.connections ?? '–'}); ${times(s.hotRatioToUniform)} of uniform`,
      `${fmt(s.hotPeakRps)} req/s`,
      lat(hotPeak?.latency),
      times(s.hotRatioToRaw),
    ]),
    row([
      `Batch \`POST /api/consumer/batch-transfer\`, ${s.batchRecipients ?? '–'} recipients, median of ${report.batch?.runs ?? '–'}`,
      `${fmt(s.batchRecipientsPerSecond)} recipients/s`,
      s.batch1000Ms != null ? `${ms(s.batch1000Ms)} per batch` : '–',
      times(s.batchRatioToRaw),
    ]),
    realtimeRow(report.realtime),
    row([
      `Idempotent replay of ${report.replay?.requested ?? '–'} uniform requests (same key + body)` +
        (s.replayAllReplayed == null
          ? ''
          : s.replayAllReplayed
            ? ', all 201 + replayed'
            : ', NOT all replayed'),
      `${fmt(s.replayRps)} req/s`,
      lat(report.replay?.latency),
      times(s.replayRatioToRaw),
    ]),
    row([
      `Embedded default (PGlite, no DATABASE_URL/REDIS_URL), ${report.embedded?.users ?? '–'} users, peak (c=${embeddedPeak?.connections ?? '–'})${embeddedToPglite(s)}`,
      report.embedded ? `${fmt(s.embeddedPeakRps)} req/s` : 'skipped',
      lat(embeddedPeak?.latency),
      times(s.embeddedRatioToRaw),
    ]),
    row([
      'API peak RSS during the P2P load (VmRSS every 200 ms)' +
        (report.memory.workerPeakRssMbDuringP2p != null
          ? `; the worker beside it: ${fmt(report.memory.workerPeakRssMbDuringP2p, 1)} MB`
          : '') +
        (report.embedded?.peakRssMb != null ? `; embedded API: ${fmt(report.embedded.peakRssMb, 1)} MB` : ''),
      `${fmt(s.apiPeakRssMb, 1)} MB`,
      '–',
      '–',
    ]),
    row([
      'Non-2xx responses / connection errors over every load phase (must be 0)',
      `${s.non2xxTotal} / ${s.loadErrorsTotal}`,
      '–',
      '–',
    ]),
    row([
      '`npm run ledger:verify` on monay_bench_api afterwards',
      s.ledgerVerifyClean == null ? 'not run' : s.ledgerVerifyClean ? 'clean' : 'BREACHED',
      '–',
      '–',
    ]),
    '',
    'Ratios are throughput divided by the raw-SQL best on the same PostgreSQL. Latency is measured by the load ' +
      'generator per request, from writing it on a kept-alive connection to the last byte of the response; ' +
      '"in-API" times below come from the API\'s own /metrics histogram.',
    '',
    '## Detail',
    '',
  ];
  if (report.raw) {
    out.push(
      '**Raw SQL reference** (`BEGIN; SELECT … WHERE id IN ($1,$2) ORDER BY id FOR UPDATE; UPDATE ×2; INSERT entry ×2; COMMIT`, ' +
        `${report.raw.accounts} accounts, random pairs; consistency after: ${report.raw.consistent ? 'ok' : 'BROKEN'} — ${report.raw.consistencyDetail})`,
      '',
      row([
        'concurrency',
        'transfers/s',
        'p50 / p95 / p99 ms',
        'errors',
        'CPU cores: PostgreSQL / client / other / machine busy',
      ]),
      row(['---:', '---:', '---:', '---:', '---']),
      ...report.raw.levels.map((l) =>
        row([
          `${l.concurrency}${l.concurrency === s.rawBestConcurrency ? ' (best)' : ''}`,
          fmt(l.tps),
          lat(l.latency),
          String(l.errors),
          `${l.cpu.postgresCores} / ${l.cpu.clientCores} / ${l.cpu.otherCores} / ${l.cpu.machineBusyCores}`,
        ]),
      ),
      '',
    );
  }
  if (report.pgliteRaw) out.push(...renderPgliteRaw(report.pgliteRaw));
  if (report.uniform) out.push(...ladderTable('API P2P, uniform random pairs', report.uniform));
  if (report.halfPeak) {
    const h = report.halfPeak;
    out.push(
      `**Half the peak rate**: autocannon \`overallRate\` ${h.overallRate}/s over ${h.connections} connections, each ` +
        `connection's requests evenly spaced; achieved ${fmt(h.rps)} req/s, p50 / p95 / p99 ${lat(h.latency)} ms, ` +
        `${h.non2xx} non-2xx; in-API mean ${ms(h.server?.meanMs)} ms; CPU cores API / worker / PostgreSQL / load gen / other / ` +
        `machine busy ${cpuCell(h)}.` +
        (report.halfPeakQuiet
          ? ` Before it, the phase waited ${fmt(report.halfPeakQuiet.waitedMs)} ms for the background to catch up ` +
            `with the ladder (${fmt(report.halfPeakQuiet.backlog.outbox)} outbox events to publish and ` +
            `${fmt(report.halfPeakQuiet.backlog.deliveries)} notification deliveries to send; left: ` +
            `${fmt(report.halfPeakQuiet.left.outbox)} and ${fmt(report.halfPeakQuiet.left.deliveries)}), so that ` +
            'it measures half the load, not the peak’s backlog. Counting that catch-up, the whole system (requests, ' +
            `relay, deliveries) kept up with ${fmt(report.halfPeakQuiet.sustainedRps)} transfers/s over the ladder ` +
            `(its 2xx over its seconds plus the catch-up's), against the ${fmt(report.uniform?.peak.rps)}/s peak.`
          : ''),
      '',
    );
  }
  if (report.flows) out.push(...renderFlows(report.flows));
  if (report.seeded) out.push(renderSeededDetail(report.seeded), '');
  if (report.hot) out.push(...ladderTable('Hot account, all users → one merchant', report.hot));
  if (report.batch) {
    out.push(
      `**Batch**: ${report.batch.recipients} recipients per batch; runs ${report.batch.latenciesMs.map((v) => ms(v)).join(', ')} ms ` +
        `(warm-up ${ms(report.batch.warmupMs)} ms, not counted); median ${ms(report.batch.medianMs)} ms. Each batch was ` +
        `sent once the background had caught up with the one before; after each it took ` +
        `${(report.batch.backgroundMs ?? []).map((v) => v.toLocaleString('en-US')).join(', ')} ms (the relay's ` +
        `consumers and the notifications' emails; polled every 250 ms).`,
      '',
    );
  }
  if (report.realtime) out.push(realtimeDetail(report.realtime), '');
  if (report.replay) {
    const r = report.replay;
    out.push(
      `**Replay**: ${r.requested} requests recorded during the uniform phase sent again with their original ` +
        `Idempotency-Key, body and user, over ${r.connections} connections: ${r.replay?.replayedHeader ?? 0} answered with ` +
        `\`Idempotent-Replayed: true\`, ${r.replay?.missingHeader ?? 0} without it, ${r.replay?.not201 ?? 0} not 201.`,
      '',
    );
  }
  if (report.embedded)
    out.push(...ladderTable(`Embedded default (PGlite), ${report.embedded.users} users`, report.embedded));

  out.push('## Where the API spends its time', '');
  if (report.databasePerRequest) {
    const d = report.databasePerRequest;
    out.push(
      `- PostgreSQL work per P2P request over the uniform phase (pg_stat_database deltas / 2xx requests): ` +
        `${fmt(d.transactions, 2)} committed transactions, ${fmt(d.rowsInserted, 2)} rows inserted, ` +
        `${fmt(d.rowsUpdated, 2)} rows updated, ${fmt(d.rowsFetched, 1)} rows fetched. The raw reference is 1 transaction, ` +
        '2 rows inserted, 2 updated.',
    );
  }
  if (uniformPeak) {
    out.push(
      `- CPU at the uniform peak: API process ${uniformPeak.cpu.apiCores ?? '–'} cores, worker ` +
        `${uniformPeak.cpu.workerCores ?? '–'}, PostgreSQL (this database's ` +
        `backends and the server's background processes) ${uniformPeak.cpu.postgresCores ?? '–'}, load generator ` +
        `${uniformPeak.cpu.loadGeneratorCores}, anything else on the machine ${uniformPeak.cpu.otherCores}; ` +
        `${uniformPeak.cpu.machineBusyCores} of ${m.cores} cores busy.`,
    );
  }
  const rawBest = report.raw?.levels.find((l) => l.concurrency === s.rawBestConcurrency);
  if (uniformPeak && uniformPeak.rps > 0) {
    const perRequest = (cores: number | null, rate: number) => (cores == null ? null : (cores * 1000) / rate);
    out.push(
      `- CPU time per transfer: the API request costs ${ms(perRequest(uniformPeak.cpu.apiCores, uniformPeak.rps))} ms ` +
        `in the API process and ${ms(perRequest(uniformPeak.cpu.postgresCores, uniformPeak.rps))} ms in PostgreSQL` +
        (rawBest && rawBest.tps > 0
          ? `; the raw-SQL transfer costs ${ms(perRequest(rawBest.cpu.postgresCores, rawBest.tps))} ms in PostgreSQL and ` +
            `${ms(perRequest(rawBest.cpu.clientCores, rawBest.tps))} ms in its Node client.`
          : '.'),
    );
    const h = report.halfPeak;
    if (h && h.rps > 0) {
      const machine = h.cpu.machineBusyCores - h.cpu.loadGeneratorCores;
      out.push(
        `- CPU time per transfer at half the peak, with the background keeping up (${fmt(h.rps)} transfers/s): ` +
          `${ms(perRequest(h.cpu.apiCores, h.rps))} ms in the API, ${ms(perRequest(h.cpu.workerCores ?? null, h.rps))} ms ` +
          `in the worker (the relay, its consumers, the deliveries and their email), ` +
          `${ms(perRequest(h.cpu.postgresCores, h.rps))} ms in PostgreSQL; ${ms(perRequest(machine, h.rps))} ms of the ` +
          `whole machine's busy time without the load generator (Redis, kernel networking and other work included).`,
      );
    }
    if (uniformPeak.server?.meanMs != null) {
      out.push(
        `- At the uniform peak the API's own histogram gives a mean of ${ms(uniformPeak.server.meanMs)} ms per request ` +
          `against ${ms(uniformPeak.latency.meanMs)} ms seen by the load generator; event-loop delay p99 ` +
          `${ms(uniformPeak.server.loopDelayP99Ms)} ms.`,
      );
    }
  }
  for (const line of [waitsLine('Uniform peak', uniformPeak), waitsLine('Hot-account peak', hotPeak)]) {
    if (line) out.push(line);
  }
  out.push(
    '- Reading the wait states: `idle in transaction / Client:ClientRead` is a transaction left open while PostgreSQL ' +
      'waits for the API to send its next statement (a network round trip plus Node work); `Lock:transactionid` is a ' +
      "transaction queued behind another one's row lock; `IO:WALSync`/`LWLock:WALWrite` are commits flushing WAL. " +
      'The event-loop delay is sampled by a 10 ms timer, so about 10 ms means an idle loop.',
  );
  for (const note of report.notes) out.push(`- ${note}`);
  if (report.analytics) out.push('', renderAnalytics(report.analytics));
  if (report.cards) out.push('', renderCards(report.cards));
  out.push(
    '',
    '## Machine and versions',
    '',
    row(['', '']),
    row(['---', '---']),
    row(['CPU', `${m.cpuModel}, ${m.cores} cores`]),
    row(['Memory', `${m.memoryGb} GB`]),
    row(['Kernel', m.kernel]),
    row(['Load average (1/5/15 min) at start / end', `${m.loadAverageStart} / ${m.loadAverageEnd}`]),
    row(['Node', m.node]),
    row(['PostgreSQL', m.postgres.version]),
    row([
      'PostgreSQL settings',
      Object.entries(m.postgres.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
    ]),
    row([
      'npm packages',
      Object.entries(m.packages)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ]),
    row(['Date', report.startedAt]),
    row(['Run took', `${fmt(report.durationSeconds)} s`]),
    '',
    '## How it was measured',
    '',
    `- API started as \`node dist/apps/api/src/main.js\` (built, not watch mode) with ${Object.entries(
      report.apiEnvironment,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}; a random PORT.${
      report.apiEnvironment.REDIS_URL
        ? ' Beside it, as in production (docker-compose.yml), a worker (`node dist/apps/worker/src/main.js`, same environment) runs the jobs from Redis and, with `OUTBOX_RELAY=worker`, the outbox relay and its consumers (each API reads the outbox for its own sockets); its CPU is counted apart, in the worker column.'
        : ' No Redis: the jobs and the outbox relay run in the API process, on PostgreSQL (`--no-redis`).'
    }`,
    `- ${report.seed?.users ?? '–'} users (plus one merchant and one batch payer) onboarded and funded through ` +
      `\`POST /api/consumer/onboard\` and \`POST /api/consumer/deposit\` in ${fmt(report.seed?.seconds, 1)} s ` +
      `(${fmt(report.seed?.onboardPerSecond)} onboards/s, ${fmt(report.seed?.depositPerSecond)} deposits/s).`,
    `- Load: autocannon ${m.packages.autocannon} in a worker thread of the benchmark process, one request per connection ` +
      '(no pipelining), a fresh Idempotency-Key and a random sender/recipient per request, real JWTs. ' +
      `Each level ran ${String(report.options.durationSeconds)} s after a ${String(report.options.warmupSeconds)} s unrecorded warm-up.`,
    '- Databases monay_bench_raw, monay_bench_pgbench and monay_bench_api are left in place for inspection and ' +
      'dropped at the start of the next run; so is the embedded data directory.',
    '',
  );
  return out.join('\n');
}
