import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Money } from '#monay/kernel';
import { renderAnalytics, runAnalytics, type AnalyticsReport } from './analytics';
import { describeLoad, measureWorker, runLoad, type MeasuredLoad } from './api-load';
import { renderCards, runCards, type CardsReport } from './cards';
import { installCleanup, RssSampler, startApi, startWorker, type ApiProcess } from './api-process';
import { runBatches } from './batch';
import type { LoadSpec, LoadUser, RecordedRequest } from './load-types';
import { loadAverage, machineInfo } from './machine';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { runPgbench } from './pgbench';
import { pgliteRawSummary, runPgliteRaw } from './pglite-raw';
import { flowsSummary, runProviderFlows } from './provider-flows';
import {
  ActivitySampler,
  BENCH_DATABASES,
  createDatabase,
  databaseCounters,
  databaseUrl,
  dropDatabases,
  serverInfo,
  type DatabaseCounters,
  waitForQuiet,
} from './postgres';
import { runRawSql } from './raw-sql';
import { describeRealtime, runRealtime, SOCKET_P95_TARGET_MS } from './realtime';
import { renderMarkdown, type BenchReport, type LadderReport, type ReportedLoad } from './report';
import { seedUsers, onboard, deposit, type SeededUser } from './seed';
import { runSeeded, seedPlan } from './seeded';
import { ratio, round, sleep } from './stats';

/**
 * `npm run bench`: the raw-SQL, pgbench and PGlite references, then the API under load (uniform P2P, half the peak
 * rate, withdrawals and swaps, the same P2P load on a database grown by 1M ledger transactions and 100k users
 * (seeded.ts), a hot account, a 1,000-recipient batch, commit-to-socket latency, idempotent replays), the embedded
 * default, memory, and a ledger check; writes docs/benchmarks/latest.{md,json}. A benchmark, never part of CI.
 */
const ROOT = resolve(__dirname, '../../..');
const WORK_DIR = join(tmpdir(), 'monay-bench');
const PATH_SEND = '/api/p2p-transfer/send';
const LOAD_TIMEOUT_SECONDS = 30;

const clockStart = performance.now();
function log(line: string): void {
  const seconds = ((performance.now() - clockStart) / 1000).toFixed(1).padStart(6);
  console.log(`[${seconds}s] ${line}`);
}

/** Limits far above anything the run can reach, so that no transfer is refused by a limit. */
const NO_LIMITS = {
  perTransaction: '999999999999.00',
  daily: '999999999999.00',
  monthly: '999999999999.00',
  maxPerHour: 100_000_000,
};

/** The card issuer's webhook secret of this run: the bench signs real-time authorizations with it. */
const CARD_WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

function apiEnvironment(extra: Record<string, string>): Record<string, string> {
  return {
    CARD_WEBHOOK_SECRET,
    LOG_LEVEL: 'warn',
    PASSWORD_HASH_COST: '10',
    THROTTLE_LIMIT: '100000000',
    AUTH_THROTTLE_LIMIT: '100000000',
    LIMIT_TIERS: JSON.stringify({ '1': NO_LIMITS, '2': NO_LIMITS, '3': NO_LIMITS }),
    JWT_ACCESS_SECRET: randomBytes(32).toString('base64url'),
    REFRESH_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    DATABASE_POOL_SIZE: '20',
    // The sandbox providers answer and settle at once: the withdrawal and swap phases measure our side of the flow
    // (P2P, batches, cards and analytics call no provider; only the seed's deposits get faster).
    PROVIDER_SANDBOX_LATENCY_SCALE: '0',
    // A profile of the API under the bench's load: BENCH_API_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
    ...(process.env.BENCH_API_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS } : {}),
    ...extra,
  };
}

/** The environment as reported: secrets and long JSON shortened. */
function reportedEnvironment(env: Record<string, string>): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.includes('SECRET')) shown[key] = '(random, 43 characters)';
    else if (key === 'LIMIT_TIERS') shown[key] = '(every tier: 999,999,999,999 USD, 100,000,000 per hour)';
    else shown[key] = value;
  }
  return shown;
}

function loadUsers(users: SeededUser[]): LoadUser[] {
  return users.map((u) => ({ id: u.id, token: u.token }));
}

function reported(load: MeasuredLoad, waits?: ReportedLoad['waits']): ReportedLoad {
  const { recorded: _recorded, transfers: _transfers, ...rest } = load;
  return waits ? { ...rest, waits } : rest;
}

/** Runs each connection level with pg_stat_activity sampled alongside (PostgreSQL only). */
async function ladder(
  base: Omit<LoadSpec, 'connections' | 'label'>,
  label: string,
  connections: number[],
  api: ApiProcess,
  options: BenchOptions,
  activityDatabase: string | null,
  keep: (load: MeasuredLoad) => void = () => undefined,
): Promise<LadderReport> {
  const levels: ReportedLoad[] = [];
  for (const level of connections) {
    const sampler = activityDatabase ? new ActivitySampler(options.pgUrl, activityDatabase) : null;
    await sampler?.start();
    const scope = activityDatabase ? { serverUrl: options.pgUrl, database: activityDatabase } : null;
    const load = await runLoad({ ...base, label, connections: level }, api.pid, scope);
    const waits = await sampler?.stop();
    log(`  ${describeLoad(load)}`);
    keep(load);
    levels.push(reported(load, waits));
  }
  const peak = levels.reduce((a, b) => (b.rps > a.rps ? b : a));
  return { levels, peak };
}

function pick<T>(items: T[], count: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}

function runLedgerVerify(url: string): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' };
    delete env.REDIS_URL;
    // The bench built the project moments ago; --ignore-scripts skips the `preledger:verify` rebuild only.
    const child = spawn('npm', ['run', '--silent', '--ignore-scripts', 'ledger:verify'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolvePromise({ exitCode: null, output: error.message }));
    child.on('exit', (code) => resolvePromise({ exitCode: code, output }));
  });
}

function counterDelta(before: DatabaseCounters, after: DatabaseCounters, requests: number) {
  const per = (a: number, b: number) => round((b - a) / Math.max(1, requests), 2);
  return {
    transactions: per(before.xactCommit, after.xactCommit),
    rollbacks: per(before.xactRollback, after.xactRollback),
    rowsInserted: per(before.tupInserted, after.tupInserted),
    rowsUpdated: per(before.tupUpdated, after.tupUpdated),
    rowsFetched: per(before.tupFetched, after.tupFetched),
    blocksHit: per(before.blksHit, after.blksHit),
  };
}

/**
 * `npm run bench -- --only-analytics`: the analytics scenario alone, on its own database, written to
 * docs/benchmarks/analytics.{md,json} (the full run's latest.* are left as they are).
 */
async function analyticsOnly(options: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const loadAverageStart = loadAverage();
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  const postgres = await serverInfo(options.pgUrl);
  await createDatabase(options.pgUrl, BENCH_DATABASES.analytics);
  const url = databaseUrl(options.pgUrl, BENCH_DATABASES.analytics);
  const env = apiEnvironment({ DATABASE_URL: url, DATA_DIR: join(WORK_DIR, 'analytics-data') });
  log(`analytics only: the API on ${BENCH_DATABASES.analytics}, ${options.analyticsMovements} movements`);
  const api = await startApi(ROOT, env, join(WORK_DIR, 'api-analytics.log'));
  let analytics: AnalyticsReport;
  try {
    analytics = await runAnalytics(
      api.baseUrl,
      url,
      { movements: options.analyticsMovements, samples: options.analyticsSamples },
      log,
    );
  } finally {
    const exit = await api.stop();
    log(`API stopped (${exit.code ?? exit.signal}); log in ${api.logFile}`);
  }
  const machine = { ...machineInfo(ROOT), postgres, loadAverageStart, loadAverageEnd: loadAverage() };
  const outDir = resolve(ROOT, options.outDir);
  mkdirSync(outDir, { recursive: true });
  const markdown = [
    '# Monay Wallet benchmark — analytics',
    '',
    `Generated by \`npm run bench -- --only-analytics\` on ${new Date().toISOString()} (started ${startedAt.toISOString()}); ` +
      `${machine.cpuModel}, ${machine.cores} cores, ${postgres.version.split(',')[0]}, load average ` +
      `${loadAverageStart} at the start, ${machine.loadAverageEnd} at the end. The API (\`node dist/apps/api/src/main.js\`, ` +
      'no Redis), PostgreSQL and the benchmark share the machine.',
    '',
    renderAnalytics(analytics),
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'analytics.md'), markdown);
  writeFileSync(
    join(outDir, 'analytics.json'),
    `${JSON.stringify({ startedAt: startedAt.toISOString(), machine, options, analytics }, null, 2)}\n`,
  );
  console.log(`\n${markdown}`);
  log(`wrote ${join(outDir, 'analytics.md')} and analytics.json`);
  return analytics.allMet ? 0 : 1;
}

/**
 * `npm run bench -- --only-cards`: the real-time card authorization scenario alone, on its own database, written to
 * docs/benchmarks/cards.{md,json} (the full run's latest.* are left as they are).
 */
async function cardsOnly(options: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const loadAverageStart = loadAverage();
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  await dropDatabases(options.pgUrl, [BENCH_DATABASES.cards]);
  const postgres = await serverInfo(options.pgUrl);
  await createDatabase(options.pgUrl, BENCH_DATABASES.cards);
  const url = databaseUrl(options.pgUrl, BENCH_DATABASES.cards);
  const env = apiEnvironment({
    DATABASE_URL: url,
    DATA_DIR: join(WORK_DIR, 'cards-data'),
    // Jobs in this process: the cards scenario starts no worker.
    ...(options.redis && { REDIS_URL: options.redis, RUN_JOBS_IN_PROCESS: 'true' }),
  });
  log(`cards only: the API on ${BENCH_DATABASES.cards}${options.redis ? ' with Redis' : ''}`);
  const api = await startApi(ROOT, env, join(WORK_DIR, 'api-cards.log'));
  let cards: CardsReport;
  try {
    cards = await runCards(api.baseUrl, url, CARD_WEBHOOK_SECRET, cardOptions(options), log);
  } finally {
    const exit = await api.stop();
    log(`API stopped (${exit.code ?? exit.signal}); log in ${api.logFile}`);
  }
  const machine = { ...machineInfo(ROOT), postgres, loadAverageStart, loadAverageEnd: loadAverage() };
  const outDir = resolve(ROOT, options.outDir);
  mkdirSync(outDir, { recursive: true });
  const markdown = [
    '# Monay Wallet benchmark — card authorizations',
    '',
    `Generated by \`npm run bench -- --only-cards\` on ${new Date().toISOString()} (started ${startedAt.toISOString()}); ` +
      `${machine.cpuModel}, ${machine.cores} cores, ${postgres.version.split(',')[0]}, load average ` +
      `${loadAverageStart} at the start, ${machine.loadAverageEnd} at the end. The API (\`node dist/apps/api/src/main.js\`` +
      `${options.redis ? ', Redis' : ', no Redis'}), PostgreSQL and the benchmark share the machine.`,
    '',
    renderCards(cards),
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'cards.md'), markdown);
  writeFileSync(
    join(outDir, 'cards.json'),
    `${JSON.stringify({ startedAt: startedAt.toISOString(), machine, options, cards }, null, 2)}\n`,
  );
  console.log(`\n${markdown}`);
  log(`wrote ${join(outDir, 'cards.md')} and cards.json`);
  return cards.underDeadline && cards.errors === 0 ? 0 : 1;
}

function cardOptions(options: BenchOptions) {
  return {
    cards: options.cardsCount,
    concurrency: options.cardsConcurrency,
    requests: options.cardsRequests,
  };
}

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const options = parsed;
  installCleanup();
  if (options.onlyAnalytics) return analyticsOnly(options);
  if (options.onlyCards) return cardsOnly(options);
  const startedAt = new Date();
  const loadAverageStart = loadAverage();
  const notes: string[] = [];
  log(
    `monay bench: ${options.users} users, ${options.durationSeconds} s per level, connections ${options.connections.join('/')}`,
  );

  const busy = loadavg()[0];
  if (busy > 0.5) {
    log(
      `warning: load average ${loadAverageStart} before the run; other work will lower the figures (see "other" cores)`,
    );
  }

  // Leftovers of the previous run go first; this run's stay until the next one (inspect them).
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  await dropDatabases(options.pgUrl, Object.values(BENCH_DATABASES));
  const postgres = await serverInfo(options.pgUrl);
  log(
    `PostgreSQL: ${postgres.version.split(',')[0]}; previous bench databases dropped; work dir ${WORK_DIR}`,
  );

  const transfer = Money.parse(options.amount, 'USDC');
  let loadsNon2xx = 0;
  let loadErrors = 0;
  const report: BenchReport = {
    summary: undefined as unknown as BenchReport['summary'],
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    durationSeconds: 0,
    machine: { ...machineInfo(ROOT), postgres, loadAverageStart, loadAverageEnd: '' },
    options: { ...options },
    apiEnvironment: {},
    raw: null,
    pgbench: null,
    seed: null,
    apiStartupMs: null,
    uniform: null,
    halfPeak: null,
    seeded: null,
    databasePerRequest: null,
    databaseCounters: null,
    hot: null,
    batch: null,
    realtime: null,
    replay: null,
    embedded: null,
    memory: {
      apiPeakRssMbDuringP2p: null,
      apiPeakRssMbOverall: null,
      apiRssMbAfterSeed: null,
      workerPeakRssMbDuringP2p: null,
    },
    ledgerVerify: { ran: false, clean: null, exitCode: null, output: '' },
    analytics: null,
    cards: null,
    flows: null,
    pgliteRaw: null,
    notes,
  };

  // 1. The physical reference.
  if (!options.skipRaw) {
    log(
      `raw SQL reference on ${BENCH_DATABASES.raw}: ${options.rawAccounts} accounts, ${options.rawDurationSeconds} s per level`,
    );
    await createDatabase(options.pgUrl, BENCH_DATABASES.raw);
    report.raw = await runRawSql(
      options.pgUrl,
      databaseUrl(options.pgUrl, BENCH_DATABASES.raw),
      BENCH_DATABASES.raw,
      {
        accounts: options.rawAccounts,
        concurrency: options.rawConcurrency,
        seconds: options.rawDurationSeconds,
      },
      log,
    );
  }
  if (!options.skipPgbench) {
    log(
      `pgbench -i -s 10 on ${BENCH_DATABASES.pgbench}, then -c ${options.pgbenchClients} -j 2 -T ${options.pgbenchSeconds}`,
    );
    await createDatabase(options.pgUrl, BENCH_DATABASES.pgbench);
    report.pgbench = await runPgbench(databaseUrl(options.pgUrl, BENCH_DATABASES.pgbench), {
      clients: options.pgbenchClients,
      threads: 2,
      seconds: options.pgbenchSeconds,
      scale: 10,
    });
    log(`  pgbench: ${report.pgbench.tps ?? report.pgbench.note} tps`);
  }
  if (!options.skipPgliteRaw) {
    log(
      `PGlite raw reference: ${options.rawAccounts} accounts, c=${options.pgliteConcurrency.join('/')}, direct then wire`,
    );
    report.pgliteRaw = await runPgliteRaw(
      ROOT,
      {
        dataDir: join(WORK_DIR, 'pglite-raw-data'),
        accounts: options.rawAccounts,
        concurrency: options.pgliteConcurrency,
        seconds: options.rawDurationSeconds,
      },
      log,
    );
  }

  // 2. The API on PostgreSQL.
  await createDatabase(options.pgUrl, BENCH_DATABASES.api);
  const apiUrl = databaseUrl(options.pgUrl, BENCH_DATABASES.api);
  const pgScope = { serverUrl: options.pgUrl, database: BENCH_DATABASES.api };
  const env = apiEnvironment({
    DATABASE_URL: apiUrl,
    DATA_DIR: join(WORK_DIR, 'api-data'),
    // Production's topology (docker-compose.yml): the worker also runs the outbox relay.
    ...(options.redis
      ? { REDIS_URL: options.redis, REDIS_PREFIX: `monay_bench_${Date.now()}`, OUTBOX_RELAY: 'worker' }
      : {}),
  });
  report.apiEnvironment = reportedEnvironment(env);
  log(
    `starting the API on ${BENCH_DATABASES.api}${options.redis ? ` with Redis ${options.redis}` : ' (no Redis)'}`,
  );
  const api = await startApi(ROOT, env, join(WORK_DIR, 'api-postgres.log'));
  report.apiStartupMs = api.startupMs;
  // Production's topology: with Redis the jobs (notification deliveries, recurring transfers, …) run in a worker.
  // Its vendor sandboxes post their webhooks (email events, SMS status callbacks) to the API, as the deployment's
  // NOTIFICATION_WEBHOOK_URL says.
  const worker = options.redis
    ? await startWorker(
        ROOT,
        { ...env, NOTIFICATION_WEBHOOK_URL: api.baseUrl },
        join(WORK_DIR, 'worker-postgres.log'),
      )
    : undefined;
  if (worker) log(`  worker pid ${worker.pid} running the jobs on Redis and the outbox relay`);
  measureWorker(worker?.pid ?? null);
  const rss = new RssSampler(api.pid);
  const workerRss = worker ? new RssSampler(worker.pid) : undefined;
  const count = (load: { non2xx: number; errors: number }) => {
    loadsNon2xx += load.non2xx;
    loadErrors += load.errors;
  };
  try {
    log(
      `  API pid ${api.pid} healthy at ${api.baseUrl} after ${api.startupMs} ms; seeding ${options.users} users`,
    );
    const seed = await seedUsers(api.baseUrl, {
      count: options.users,
      prefix: `u${Date.now()}`,
      amount: options.deposit,
      concurrency: 8,
    });
    const merchant = await onboard(api.baseUrl, `merchant.${Date.now()}@bench.example.com`);
    const payer = await onboard(api.baseUrl, `payer.${Date.now()}@bench.example.com`);
    const batchFunding = Money.of(
      transfer.minor * BigInt(options.batchSize) * BigInt(options.batchRuns + 1) * 2n,
      'USDC',
    ).toDecimalString();
    await deposit(api.baseUrl, payer, batchFunding);
    report.seed = {
      users: options.users,
      seconds: seed.seconds,
      onboardPerSecond: seed.onboardPerSecond,
      depositPerSecond: seed.depositPerSecond,
    };
    report.memory.apiRssMbAfterSeed = rss.lastMb();
    log(
      `  seeded in ${seed.seconds} s (${seed.onboardPerSecond} onboards/s, ${seed.depositPerSecond} deposits/s), ${options.deposit} USDC each`,
    );

    const users = loadUsers(seed.users);
    const base = {
      baseUrl: api.baseUrl,
      path: PATH_SEND,
      users,
      transferAmount: options.amount,
      timeoutSeconds: LOAD_TIMEOUT_SECONDS,
      durationSeconds: options.durationSeconds,
    };
    if (options.warmupSeconds > 0) {
      const warm = await runLoad(
        {
          ...base,
          mode: 'uniform',
          record: false,
          label: 'warm-up',
          connections: 8,
          durationSeconds: options.warmupSeconds,
        },
        api.pid,
        pgScope,
      );
      count(warm);
      log(`  ${describeLoad(warm)}`);
    }

    // 2. Uniform P2P: the peak over the connection levels, then half of it.
    log(`uniform P2P: ${PATH_SEND}, random pairs, connections ${options.connections.join('/')}`);
    const recorded: RecordedRequest[] = [];
    const p2pFrom = Date.now();
    const countersBefore = await databaseCounters(options.pgUrl, BENCH_DATABASES.api);
    const uniform = await ladder(
      { ...base, mode: 'uniform', record: !options.skipReplay },
      'uniform',
      options.connections,
      api,
      options,
      BENCH_DATABASES.api,
      (load) => {
        count(load);
        for (const request of load.recorded) recorded.push(request);
      },
    );
    report.uniform = uniform;
    const target = Math.max(1, Math.floor(uniform.peak.rps / 2));
    const halfConnections = Math.max(1, Math.min(uniform.peak.connections, target));
    // Half the load at steady state: the ladder's backlog (events, emails) is worked off first.
    const quiet = await waitForQuiet(options.pgUrl, BENCH_DATABASES.api);
    const ladderSeconds = uniform.levels.reduce((sum, level) => sum + level.seconds, 0);
    const ladderOk = uniform.levels.reduce((sum, level) => sum + level.ok2xx, 0);
    report.halfPeakQuiet = {
      ...quiet,
      sustainedRps: Math.round(ladderOk / (ladderSeconds + quiet.waitedMs / 1000)),
    };
    log(
      `  background caught up in ${quiet.waitedMs} ms (outbox ${quiet.backlog.outbox}, deliveries ` +
        `${quiet.backlog.deliveries}): sustained ${report.halfPeakQuiet.sustainedRps}/s over the ladder; half peak ` +
        `${target}/s over ${halfConnections} connections`,
    );
    const half = await runLoad(
      {
        ...base,
        mode: 'uniform',
        record: !options.skipReplay,
        label: 'half-peak',
        connections: halfConnections,
        overallRate: target,
      },
      api.pid,
      pgScope,
    );
    count(half);
    for (const request of half.recorded) recorded.push(request);
    log(`  ${describeLoad(half)}`);
    report.halfPeak = reported(half);
    const p2pTo = Date.now();
    await sleep(1500); // backends flush their statistics when idle
    const countersAfter = await databaseCounters(options.pgUrl, BENCH_DATABASES.api);
    const p2pRequests =
      uniform.levels.reduce((sum, l) => sum + l.ok2xx + l.non2xx, 0) + half.ok2xx + half.non2xx;
    report.databaseCounters = { before: countersBefore, after: countersAfter, requests: p2pRequests };
    report.databasePerRequest = counterDelta(countersBefore, countersAfter, p2pRequests);
    report.memory.apiPeakRssMbDuringP2p = rss.peakMb(p2pFrom, p2pTo + 200);
    report.memory.workerPeakRssMbDuringP2p = workerRss?.peakMb(p2pFrom, p2pTo + 200) ?? null;

    // 2b. Withdrawals and swaps through the sandbox providers, compared with the P2P peak.
    if (!options.skipFlows) {
      report.flows = await runProviderFlows(
        {
          base,
          databaseUrl: apiUrl,
          users: seed.users,
          connections: options.flowsConnections ?? [uniform.peak.connections],
          p2pPeakRps: uniform.peak.rps,
          latencyScale: env.PROVIDER_SANDBOX_LATENCY_SCALE,
        },
        (spec, label, connections) =>
          ladder(spec, label, connections, api, options, BENCH_DATABASES.api, count),
        log,
      );
    }

    // 2c. The same load on a grown database: users and ledger history written in SQL (seeded.ts).
    if (!options.skipSeeded) {
      const uniformAt = { ...base, mode: 'uniform' as const, record: false };
      report.seeded = await runSeeded({
        baseUrl: api.baseUrl,
        url: apiUrl,
        plan: seedPlan(options.seedUsers, options.seedTransactions),
        emptyPeak: uniform.peak,
        log,
        measure: async () => {
          if (options.warmupSeconds > 0) {
            const warm = { label: 'seeded warm-up', connections: 8, durationSeconds: options.warmupSeconds };
            const warmed = await runLoad({ ...uniformAt, ...warm }, api.pid, pgScope);
            count(warmed);
            log(`  ${describeLoad(warmed)}`);
          }
          const level = [uniform.peak.connections];
          return (await ladder(uniformAt, 'seeded', level, api, options, BENCH_DATABASES.api, count)).peak;
        },
      });
    }

    // 3. Hot account.
    if (!options.skipHot) {
      log(`hot account: every user pays one merchant, connections ${options.connections.join('/')}`);
      report.hot = await ladder(
        { ...base, mode: 'hot', record: false, merchant: { id: merchant.id, token: merchant.token } },
        'hot',
        options.connections,
        api,
        options,
        BENCH_DATABASES.api,
        count,
      );
    }

    // 4. Batch.
    if (!options.skipBatch) {
      log(`batch: ${options.batchSize} recipients, ${options.batchRuns} measured runs`);
      report.batch = await runBatches(
        api.baseUrl,
        payer,
        seed.users.slice(0, options.batchSize),
        { amount: options.amount, runs: options.batchRuns },
        async () => (await waitForQuiet(options.pgUrl, BENCH_DATABASES.api)).waitedMs,
      );
      log(
        `  batch median ${report.batch.medianMs} ms (${report.batch.recipientsPerSecond} recipients/s); runs ${report.batch.latenciesMs.join(', ')} ms; ` +
          `background caught up after each in ${report.batch.backgroundMs.join(', ')} ms`,
      );
    }

    // 5. Realtime: commit to the recipient's socket, at a steady moderate rate.
    if (!options.skipRealtime) {
      const rate = options.realtimeRate ?? target;
      const connections = Math.max(1, Math.min(uniform.peak.connections, rate));
      log(
        `realtime: ${options.realtimeRecipients} recipients on /ws, transfers to them at ${rate}/s over ${connections} connections for ${options.realtimeDurationSeconds} s`,
      );
      const { result, load } = await runRealtime(
        {
          baseUrl: api.baseUrl,
          path: PATH_SEND,
          apiPid: api.pid,
          postgres: pgScope,
          users,
          recipients: options.realtimeRecipients,
          rate,
          connections,
          durationSeconds: options.realtimeDurationSeconds,
          transferAmount: options.amount,
          timeoutSeconds: LOAD_TIMEOUT_SECONDS,
        },
        log,
      );
      count(load);
      report.realtime = result;
      log(`  ${describeLoad(load)}`);
      log(`  ${describeRealtime(result)}`);
      if (result.missing > 0 || result.wrongRecipient > 0) {
        const failure =
          `FAILURE: ${result.missing} of ${result.transfers} transfers never reached their recipient's socket within ` +
          `${result.eventWaitMs} ms (e.g. ${result.missingSample.join(', ') || '–'}); ${result.wrongRecipient} reached another user's.`;
        console.error(`\n*** ${failure}\n`);
        notes.push(failure);
      }
    }

    // 6. Replay.
    if (!options.skipReplay) {
      const replays = pick(recorded, options.replay);
      if (replays.length < options.replay) {
        notes.push(
          `Only ${replays.length} uniform requests were available to replay (asked for ${options.replay}).`,
        );
      }
      if (replays.length > 0) {
        const connections = Math.min(uniform.peak.connections, replays.length);
        log(`replay: ${replays.length} recorded requests with their original keys, c=${connections}`);
        const replay = await runLoad(
          {
            ...base,
            mode: 'replay',
            record: false,
            label: 'replay',
            connections,
            amount: replays.length,
            replays,
          },
          api.pid,
          pgScope,
        );
        count(replay);
        log(
          `  ${describeLoad(replay)}; replayed header ${replay.replay?.replayedHeader}, missing ${replay.replay?.missingHeader}, not 201 ${replay.replay?.not201}`,
        );
        report.replay = { ...reported(replay), requested: replays.length };
      }
    }
    // 6b. Analytics: one user with a year of history on the same API.
    if (!options.skipAnalytics) {
      log(
        `analytics: one user with ${options.analyticsMovements} movements, ${options.analyticsSamples} requests per route`,
      );
      report.analytics = await runAnalytics(
        api.baseUrl,
        apiUrl,
        { movements: options.analyticsMovements, samples: options.analyticsSamples },
        log,
      );
      if (!report.analytics.allMet)
        notes.push('An analytics route missed its p95 target of 50 ms (see Analytics).');
    }
    // 6c. Real-time card authorizations on the same API.
    if (!options.skipCards) {
      log(`cards: ${options.cardsRequests} real-time authorizations, ${options.cardsConcurrency} in flight`);
      report.cards = await runCards(api.baseUrl, apiUrl, CARD_WEBHOOK_SECRET, cardOptions(options), log);
      log(
        `  p99 ${report.cards.latency.p99Ms} ms, ${report.cards.perSecond}/s, ${report.cards.errors} errors`,
      );
      if (!report.cards.underDeadline)
        notes.push('The card authorization p99 missed the issuer’s 2 s deadline (see Card authorizations).');
    }
    report.memory.apiPeakRssMbOverall = rss.peakMb();
  } finally {
    rss.stop();
    workerRss?.stop();
    const exit = await api.stop();
    log(`API stopped (${exit.code ?? exit.signal}); log in ${api.logFile}`);
    if (worker) await worker.stop();
    measureWorker(null);
  }

  // 7. The embedded default.
  if (!options.skipEmbedded) {
    const dataDir = join(WORK_DIR, 'embedded-data');
    log(`embedded default: no DATABASE_URL/REDIS_URL, DATA_DIR=${dataDir}, ${options.embeddedUsers} users`);
    const embeddedEnv = apiEnvironment({ DATA_DIR: dataDir });
    const embedded = await startApi(ROOT, embeddedEnv, join(WORK_DIR, 'api-embedded.log'));
    const embeddedRss = new RssSampler(embedded.pid);
    try {
      log(`  API pid ${embedded.pid} healthy after ${embedded.startupMs} ms; seeding`);
      const seed = await seedUsers(embedded.baseUrl, {
        count: options.embeddedUsers,
        prefix: `e${Date.now()}`,
        amount: options.deposit,
        concurrency: 4,
      });
      log(`  seeded in ${seed.seconds} s`);
      const base = {
        baseUrl: embedded.baseUrl,
        path: PATH_SEND,
        users: loadUsers(seed.users),
        transferAmount: options.amount,
        timeoutSeconds: LOAD_TIMEOUT_SECONDS,
        durationSeconds: options.embeddedDurationSeconds,
        mode: 'uniform' as const,
        record: false,
      };
      const warm = await runLoad(
        { ...base, label: 'embedded warm-up', connections: 4, durationSeconds: 2 },
        embedded.pid,
        null,
      );
      count(warm);
      const ladderReport = await ladder(
        base,
        'embedded',
        options.embeddedConnections,
        embedded,
        options,
        null,
        count,
      );
      report.embedded = {
        ...ladderReport,
        users: options.embeddedUsers,
        seedSeconds: seed.seconds,
        startupMs: embedded.startupMs,
        peakRssMb: embeddedRss.peakMb(),
      };
    } finally {
      embeddedRss.stop();
      const exit = await embedded.stop();
      log(`embedded API stopped (${exit.code ?? exit.signal}); log in ${embedded.logFile}`);
    }
  }

  // The ledger of the PostgreSQL run.
  if (!options.skipVerify) {
    log(`npm run ledger:verify on ${BENCH_DATABASES.api}`);
    const verify = await runLedgerVerify(apiUrl);
    report.ledgerVerify = {
      ran: true,
      exitCode: verify.exitCode,
      clean: verify.exitCode === 0 && verify.output.includes('every invariant holds'),
      output: verify.output.trim(),
    };
    log(`  ledger:verify exit ${verify.exitCode}: ${report.ledgerVerify.clean ? 'clean' : 'NOT clean'}`);
  }

  const finished = new Date();
  report.finishedAt = finished.toISOString();
  report.durationSeconds = Math.round((performance.now() - clockStart) / 1000);
  report.machine.loadAverageEnd = loadAverage();

  const phases: Array<{ cpu: { otherCores: number } }> = [
    ...(report.raw?.levels ?? []),
    ...(report.pgliteRaw ? [...report.pgliteRaw.direct.levels, ...report.pgliteRaw.wire.levels] : []),
    ...(report.uniform?.levels ?? []),
    ...(report.halfPeak ? [report.halfPeak] : []),
    ...(report.flows ? [...report.flows.withdraw.levels, ...report.flows.swap.levels] : []),
    ...(report.seeded ? [report.seeded.load] : []),
    ...(report.hot?.levels ?? []),
    ...(report.realtime ? [report.realtime.load] : []),
    ...(report.embedded?.levels ?? []),
  ];
  if (phases.length > 0) {
    const others = phases.map((phase) => phase.cpu.otherCores);
    const mean = round(others.reduce((a, b) => a + b, 0) / others.length);
    notes.push(
      `Work outside the benchmark (other processes on the machine, kernel networking) used ${mean} cores on average ` +
        `during the measured phases (at most ${Math.max(...others)}); load average ${loadAverageStart} at the start, ` +
        `${report.machine.loadAverageEnd} at the end.` +
        (mean > 0.2
          ? ' The machine was not quiet: expect lower throughput and longer tails than on an idle one.'
          : ''),
    );
  }

  const rawBest = report.raw?.best.tps ?? null;
  const uniformPeak = report.uniform?.peak;
  const hotPeak = report.hot?.peak;
  const embeddedPeak = report.embedded?.peak;
  const batchRate = report.batch?.recipientsPerSecond ?? null;
  report.summary = {
    rawBestTps: rawBest,
    rawBestConcurrency: report.raw?.best.concurrency ?? null,
    pgbenchTps: report.pgbench?.tps ?? null,
    p2pPeakRps: uniformPeak?.rps ?? null,
    p2pPeakConnections: uniformPeak?.connections ?? null,
    p2pP50MsAtPeak: uniformPeak?.latency.p50Ms ?? null,
    p2pP95MsAtPeak: uniformPeak?.latency.p95Ms ?? null,
    p2pP99MsAtPeak: uniformPeak?.latency.p99Ms ?? null,
    p2pRatioToRaw: ratio(uniformPeak?.rps, rawBest),
    halfPeakTargetRps: report.halfPeak?.overallRate ?? null,
    halfPeakAchievedRps: report.halfPeak?.rps ?? null,
    p2pP50MsAtHalfPeak: report.halfPeak?.latency.p50Ms ?? null,
    p2pP95MsAtHalfPeak: report.halfPeak?.latency.p95Ms ?? null,
    p2pP99MsAtHalfPeak: report.halfPeak?.latency.p99Ms ?? null,
    seededUsers: report.seeded?.history.plan.users ?? null,
    seededTransactions: report.seeded?.history.plan.transactions ?? null,
    seededP2pRps: report.seeded?.load.rps ?? null,
    seededP2pP95Ms: report.seeded?.load.latency.p95Ms ?? null,
    seededRatioToEmpty: report.seeded?.ratioToEmpty ?? null,
    seededTargetMet: report.seeded?.targetMet ?? null,
    seededWriteSeconds: report.seeded?.history.seedSeconds ?? null,
    seededSealSeconds: report.seeded?.history.seal?.seconds ?? null,
    hotPeakRps: hotPeak?.rps ?? null,
    hotRatioToUniform: ratio(hotPeak?.rps, uniformPeak?.rps),
    hotRatioToRaw: ratio(hotPeak?.rps, rawBest),
    batchRecipients: report.batch?.recipients ?? null,
    batch1000Ms: report.batch?.medianMs ?? null,
    batchRecipientsPerSecond: batchRate,
    batchRatioToRaw: ratio(batchRate, rawBest),
    socketP50Ms: report.realtime?.fromCompletedAt.p50Ms ?? null,
    socketP95Ms: report.realtime?.fromCompletedAt.p95Ms ?? null,
    socketP99Ms: report.realtime?.fromCompletedAt.p99Ms ?? null,
    socketMaxMs: report.realtime?.fromCompletedAt.maxMs ?? null,
    socketP95MsFromResponse: report.realtime?.fromResponse.p95Ms ?? null,
    socketEvents: report.realtime?.received ?? null,
    socketMissing: report.realtime?.missing ?? null,
    socketP95TargetMs: SOCKET_P95_TARGET_MS,
    socketP95TargetMet: report.realtime?.targetMet ?? null,
    replayRps: report.replay?.rps ?? null,
    replayP95Ms: report.replay?.latency.p95Ms ?? null,
    replayRatioToRaw: ratio(report.replay?.rps, rawBest),
    replayAllReplayed: report.replay
      ? report.replay.replay?.replayedHeader === report.replay.requested && report.replay.replay.not201 === 0
      : null,
    embeddedPeakRps: embeddedPeak?.rps ?? null,
    embeddedP95Ms: embeddedPeak?.latency.p95Ms ?? null,
    embeddedRatioToRaw: ratio(embeddedPeak?.rps, rawBest),
    ...pgliteRawSummary(report.pgliteRaw, embeddedPeak?.rps),
    ...flowsSummary(report.flows),
    apiPeakRssMb: report.memory.apiPeakRssMbDuringP2p,
    non2xxTotal: loadsNon2xx,
    loadErrorsTotal: loadErrors,
    ledgerVerifyClean: report.ledgerVerify.ran ? report.ledgerVerify.clean : null,
    durationSeconds: report.durationSeconds,
  };

  const outDir = resolve(ROOT, options.outDir);
  mkdirSync(outDir, { recursive: true });
  const markdown = renderMarkdown(report);
  writeFileSync(join(outDir, 'latest.md'), `${markdown}\n`);
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${markdown}`);
  log(`wrote ${join(outDir, 'latest.md')} and latest.json`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
