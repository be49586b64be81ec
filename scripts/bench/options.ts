import { parseArgs } from 'node:util';

/** Sizes and switches of one `npm run bench` run; every default keeps a full run under about six minutes. */
export interface BenchOptions {
  users: number;
  durationSeconds: number;
  connections: number[];
  warmupSeconds: number;
  amount: string;
  deposit: string;
  replay: number;
  batchSize: number;
  batchRuns: number;
  realtimeRecipients: number;
  /** Transfers per second of the realtime phase; undefined: half the uniform peak. */
  realtimeRate: number | undefined;
  realtimeDurationSeconds: number;
  rawAccounts: number;
  rawConcurrency: number[];
  rawDurationSeconds: number;
  pgbenchSeconds: number;
  pgbenchClients: number;
  embeddedUsers: number;
  embeddedConnections: number[];
  embeddedDurationSeconds: number;
  pgUrl: string;
  redis: string | undefined;
  outDir: string;
  skipRaw: boolean;
  skipPgbench: boolean;
  skipHot: boolean;
  skipBatch: boolean;
  skipRealtime: boolean;
  skipReplay: boolean;
  skipEmbedded: boolean;
  skipVerify: boolean;
  /** Run only the analytics scenario (its own database), writing docs/benchmarks/analytics.{md,json}. */
  onlyAnalytics: boolean;
  skipAnalytics: boolean;
  analyticsMovements: number;
  analyticsSamples: number;
  /** Run only the card authorization scenario (its own database), writing docs/benchmarks/cards.{md,json}. */
  onlyCards: boolean;
  skipCards: boolean;
  cardsCount: number;
  cardsConcurrency: number;
  cardsRequests: number;
  /** The seeded-database phase (seeded.ts): users and ledger transactions written in SQL, then the uniform load again. */
  skipSeeded: boolean;
  seedUsers: number;
  seedTransactions: number;
  /** Withdrawals and swaps after the uniform ladder (scripts/bench/provider-flows.ts); undefined: the P2P peak's. */
  skipFlows: boolean;
  flowsConnections: number[] | undefined;
  /** The PGlite raw-transfer reference (scripts/bench/pglite-raw.ts). */
  skipPgliteRaw: boolean;
  pgliteConcurrency: number[];
}

export const USAGE = `npm run bench -- [options]

  --users N                 users seeded through the API (default 1000)
  --duration S              seconds per API load level (default 10)
  --connections a,b,c       connection levels searched for the peak (default 8,16,32,64)
  --warmup S                unrecorded warm-up before the search (default 3)
  --amount D                USDC per transfer, decimal string (default 0.01)
  --deposit D               USDC deposited per user, decimal string (default 1000.00)
  --replay N                requests of the uniform run replayed with their keys (default 2000)
  --batch-size N            recipients per batch, at most --users and 1000 (default 1000)
  --batch-runs N            measured batches, median reported (default 5)
  --realtime-recipients N   sockets open on /ws, paid by the other users; < --users (default 200)
  --realtime-rate N         transfers/s of the realtime phase (default: half the uniform peak)
  --realtime-duration S     seconds of the realtime phase (default 10)
  --raw-accounts N          accounts of the raw-SQL reference (default 1000)
  --raw-concurrency a,b     raw-SQL concurrency levels (default 1,4,8,16,32)
  --raw-duration S          seconds per raw-SQL level (default 5)
  --pgbench-duration S      pgbench -T (default 15)
  --pgbench-clients N       pgbench -c (default 16)
  --embedded-users N        users for the embedded (PGlite) run (default 200)
  --embedded-connections a  connection levels of the embedded run (default 8,16)
  --embedded-duration S     seconds per embedded level (default 10)
  --pg-url URL              PostgreSQL server (default postgres://postgres@127.0.0.1:5432)
  --redis URL               Redis of the production topology the API is measured in: its REDIS_URL, with the
                            jobs in a worker process beside it (default redis://127.0.0.1:6379)
  --no-redis                no Redis: jobs on PostgreSQL, run in the API process
  --out DIR                 where latest.md and latest.json go (default docs/benchmarks)
  --analytics-movements N   movements of the analytics scenario's user (default 50000)
  --analytics-samples N     requests per analytics route, after 5 warm-ups (default 100)
  --only-analytics          run the analytics scenario alone (database monay_bench_analytics); writes
                            analytics.md and analytics.json, leaves latest.* alone
  --cards N                 cardholders of the card authorization scenario (default 50)
  --cards-concurrency N     real-time authorizations in flight (default 50)
  --cards-requests N        authorizations measured (default 2000)
  --only-cards              run the card authorization scenario alone (database monay_bench_cards); writes
                            cards.md and cards.json, leaves latest.* alone
  --seed-users N            users written straight into monay_bench_api in SQL after the uniform, half-peak,
                            withdrawal and swap phases, with every row an onboarded user has; then the uniform load runs again at
                            the peak's connections on that grown database (default 100000)
  --seed-transactions N     posted ledger transactions (2 entries each) written with them (default 1000000)
  --flows-connections a,b   connection levels of the withdrawal and swap phases (default: the P2P peak's)
  --pglite-concurrency a,b  concurrency levels of the PGlite raw reference, --raw-duration each (default 1,4,16)
  --skip-flows              no withdrawal and swap phases (POST /api/consumer/withdraw, /swap)
  --skip-pglite-raw         no PGlite raw-transfer reference (the embedded ratio's)
  --skip-seeded             no seeded-database phase
  --skip-raw --skip-pgbench --skip-hot --skip-batch --skip-realtime --skip-replay --skip-embedded
  --skip-verify --skip-analytics --skip-cards --skip-seeded --skip-flows --skip-pglite-raw
`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer`);
  return parsed;
}

function intList(name: string, value: string | undefined, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  return value.split(',').map((part) => positiveInt(name, part.trim(), 0));
}

function decimal(name: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (!/^\d{1,12}(\.\d{1,6})?$/.test(value) || /^0+(\.0*)?$/.test(value)) {
    throw new Error(`--${name} must be a positive decimal string such as 0.01`);
  }
  return value;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      users: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      warmup: { type: 'string' },
      amount: { type: 'string' },
      deposit: { type: 'string' },
      replay: { type: 'string' },
      'batch-size': { type: 'string' },
      'batch-runs': { type: 'string' },
      'realtime-recipients': { type: 'string' },
      'realtime-rate': { type: 'string' },
      'realtime-duration': { type: 'string' },
      'raw-accounts': { type: 'string' },
      'raw-concurrency': { type: 'string' },
      'raw-duration': { type: 'string' },
      'pgbench-duration': { type: 'string' },
      'pgbench-clients': { type: 'string' },
      'embedded-users': { type: 'string' },
      'embedded-connections': { type: 'string' },
      'embedded-duration': { type: 'string' },
      'pg-url': { type: 'string' },
      redis: { type: 'string' },
      'no-redis': { type: 'boolean' },
      out: { type: 'string' },
      'skip-raw': { type: 'boolean' },
      'skip-pgbench': { type: 'boolean' },
      'skip-hot': { type: 'boolean' },
      'skip-batch': { type: 'boolean' },
      'skip-realtime': { type: 'boolean' },
      'skip-replay': { type: 'boolean' },
      'skip-embedded': { type: 'boolean' },
      'skip-verify': { type: 'boolean' },
      'skip-analytics': { type: 'boolean' },
      'only-analytics': { type: 'boolean' },
      'analytics-movements': { type: 'string' },
      'analytics-samples': { type: 'string' },
      cards: { type: 'string' },
      'cards-concurrency': { type: 'string' },
      'cards-requests': { type: 'string' },
      'only-cards': { type: 'boolean' },
      'skip-cards': { type: 'boolean' },
      'seed-users': { type: 'string' },
      'seed-transactions': { type: 'string' },
      'skip-seeded': { type: 'boolean' },
      'skip-flows': { type: 'boolean' },
      'flows-connections': { type: 'string' },
      'skip-pglite-raw': { type: 'boolean' },
      'pglite-concurrency': { type: 'string' },
    },
  });
  if (values.help) return 'help';
  const users = positiveInt('users', values.users, 1000);
  if (users < 2) throw new Error('--users must be at least 2');
  const seedUsers = positiveInt('seed-users', values['seed-users'], 100_000);
  if (seedUsers < 2) throw new Error('--seed-users must be at least 2');
  const warmup = values.warmup === undefined ? 3 : Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error('--warmup must be a whole number of seconds');
  return {
    users,
    durationSeconds: positiveInt('duration', values.duration, 10),
    connections: intList('connections', values.connections, [8, 16, 32, 64]),
    warmupSeconds: warmup,
    amount: decimal('amount', values.amount, '0.01'),
    deposit: decimal('deposit', values.deposit, '1000.00'),
    replay: positiveInt('replay', values.replay, 2000),
    batchSize: Math.min(positiveInt('batch-size', values['batch-size'], 1000), users, 1000),
    batchRuns: positiveInt('batch-runs', values['batch-runs'], 5),
    realtimeRecipients: Math.min(
      positiveInt('realtime-recipients', values['realtime-recipients'], 200),
      users - 1,
    ),
    realtimeRate:
      values['realtime-rate'] === undefined
        ? undefined
        : positiveInt('realtime-rate', values['realtime-rate'], 1),
    realtimeDurationSeconds: positiveInt('realtime-duration', values['realtime-duration'], 10),
    rawAccounts: positiveInt('raw-accounts', values['raw-accounts'], 1000),
    rawConcurrency: intList('raw-concurrency', values['raw-concurrency'], [1, 4, 8, 16, 32]),
    rawDurationSeconds: positiveInt('raw-duration', values['raw-duration'], 5),
    pgbenchSeconds: positiveInt('pgbench-duration', values['pgbench-duration'], 15),
    pgbenchClients: positiveInt('pgbench-clients', values['pgbench-clients'], 16),
    embeddedUsers: positiveInt('embedded-users', values['embedded-users'], 200),
    embeddedConnections: intList('embedded-connections', values['embedded-connections'], [8, 16]),
    embeddedDurationSeconds: positiveInt('embedded-duration', values['embedded-duration'], 10),
    pgUrl: (values['pg-url'] ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, ''),
    redis: values['no-redis'] ? undefined : (values.redis ?? 'redis://127.0.0.1:6379'),
    outDir: values.out ?? 'docs/benchmarks',
    skipRaw: values['skip-raw'] ?? false,
    skipPgbench: values['skip-pgbench'] ?? false,
    skipHot: values['skip-hot'] ?? false,
    skipBatch: values['skip-batch'] ?? false,
    skipRealtime: values['skip-realtime'] ?? false,
    skipReplay: values['skip-replay'] ?? false,
    skipEmbedded: values['skip-embedded'] ?? false,
    skipVerify: values['skip-verify'] ?? false,
    onlyAnalytics: values['only-analytics'] ?? false,
    skipAnalytics: values['skip-analytics'] ?? false,
    analyticsMovements: positiveInt('analytics-movements', values['analytics-movements'], 50_000),
    analyticsSamples: positiveInt('analytics-samples', values['analytics-samples'], 100),
    onlyCards: values['only-cards'] ?? false,
    skipCards: values['skip-cards'] ?? false,
    cardsCount: positiveInt('cards', values.cards, 50),
    cardsConcurrency: positiveInt('cards-concurrency', values['cards-concurrency'], 50),
    cardsRequests: positiveInt('cards-requests', values['cards-requests'], 2000),
    skipSeeded: values['skip-seeded'] ?? false,
    seedUsers,
    seedTransactions: positiveInt('seed-transactions', values['seed-transactions'], 1_000_000),
    skipFlows: values['skip-flows'] ?? false,
    flowsConnections: values['flows-connections']
      ? intList('flows-connections', values['flows-connections'], [])
      : undefined,
    skipPgliteRaw: values['skip-pglite-raw'] ?? false,
    pgliteConcurrency: intList('pglite-concurrency', values['pglite-concurrency'], [1, 4, 16]),
  };
}
