import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { ReportedLoad } from './report';
import { cpuCell, fmt, lat, times } from './markdown';
import { logIn, onboard, postJson } from './seed';
import { ratio, round } from './stats';

/**
 * The P2P peak on a grown database (issue 20: "P2P peak with 1M ledger transactions and 100k users seeded /
 * empty ≥ 0.9×"). After the uniform ladder has measured the API on a nearly empty database, this phase writes a
 * history straight into the same database with a few set-based statements — `seedUsers` users with every row an
 * onboarded user has, and `seedTransactions` balanced ledger transactions between them — runs VACUUM ANALYZE,
 * seals the journal's hash chain through the new history (as the every-minute job would have long since), and
 * the bench then runs the uniform load again at the empty peak's connection count.
 */

/** The seeded history's shape, decided before any SQL runs (pure: `seeded.spec.ts`). */
export interface SeedPlan {
  users: number;
  transactions: number;
  /** Opening deposits from the bench's `world` account: the first `deposits` seeded users get one each. */
  deposits: number;
  /** P2P-shaped transactions between seeded users: sender `k mod deposits` (funded users only), a random other recipient. */
  transfers: number;
  /** Minor units of USDC of each opening deposit: enough that no sender ever goes below zero at any point. */
  openingMinor: bigint;
  minTransferMinor: bigint;
  maxTransferMinor: bigint;
  /** The most transfers one seeded user sends. */
  maxSendsPerUser: number;
}

/** USDC has 6 decimals: 1,000 USDC opening, transfers of 0.01 to 1.00 USDC. */
const DEFAULT_OPENING_MINOR = 1_000_000_000n;
const MIN_TRANSFER_MINOR = 10_000n;
const MAX_TRANSFER_MINOR = 1_000_000n;

export function seedPlan(users: number, transactions: number): SeedPlan {
  if (!Number.isInteger(users) || users < 2) throw new Error('the seeded history needs at least 2 users');
  if (!Number.isInteger(transactions) || transactions < 1)
    throw new Error('the seeded history needs at least 1 ledger transaction');
  const deposits = Math.min(users, transactions);
  const transfers = transactions - deposits;
  const maxSendsPerUser = Math.ceil(transfers / deposits);
  const worstCase = MAX_TRANSFER_MINOR * BigInt(maxSendsPerUser);
  return {
    users,
    transactions,
    deposits,
    transfers,
    openingMinor: worstCase > DEFAULT_OPENING_MINOR ? worstCase : DEFAULT_OPENING_MINOR,
    minTransferMinor: MIN_TRANSFER_MINOR,
    maxTransferMinor: MAX_TRANSFER_MINOR,
    maxSendsPerUser,
  };
}

export interface SeedStep {
  step: string;
  rows: number;
  seconds: number;
}

export interface TableSize {
  table: string;
  rows: number;
  /** pg_total_relation_size: heap, indexes and TOAST. */
  megabytes: number;
}

export interface SeededHistory {
  plan: { users: number; transactions: number; deposits: number; transfers: number; entries: number };
  /** The seeding statements (one transaction, synchronous_commit off), with their rows and times. */
  steps: SeedStep[];
  seedSeconds: number;
  vacuumAnalyzeSeconds: number;
  /** The journal's hash chain sealed through the new history (`POST /api/admin/ledger/seal` until nothing is left). */
  seal: { seconds: number; blocks: number; transactions: number } | null;
  /** The database's big tables after seeding. */
  tables: TableSize[];
  databaseMegabytes: number;
}

export interface SeededReport {
  history: SeededHistory;
  /** The uniform P2P load on the seeded database, at the empty peak's connection count. */
  load: ReportedLoad;
  emptyPeakRps: number;
  emptyPeakConnections: number;
  ratioToEmpty: number | null;
  target: number;
  targetMet: boolean | null;
}

export const SEEDED_RATIO_TARGET = 0.9;

/** Tables whose size the report shows (those the seed writes, and the P2P path's own). */
const SIZED_TABLES = [
  'ledger_entries',
  'ledger_transactions',
  'ledger_accounts',
  'users',
  'wallets',
  'consumer_preferences',
  'auth_sessions',
  'refresh_tokens',
  'audit_log',
  'provider_wallets',
  'sandbox_provider_wallets',
  'ledger_seals',
  'transfers',
  'outbox',
  'idempotency_keys',
];

/** The `world` account the opening deposits come from (a system account: may go negative, balance = Σ entries). */
const WORLD_QUALIFIER = 'bench-seed';

/**
 * The seeding statements, in order, each with its own parameters. Timestamps spread the history over the past
 * year: the users join in its first two months (and get their opening deposit an hour later), then transact.
 */
function statements(plan: SeedPlan, tag: string): Array<{ step: string; sql: string; params: unknown[] }> {
  const U = plan.users;
  const T = plan.transactions;
  const D = plan.deposits;
  return [
    {
      step: 'plan users (temporary)',
      sql: `CREATE TEMPORARY TABLE seed_users ON COMMIT DROP AS
              SELECT i, gen_random_uuid() AS user_id, gen_random_uuid() AS session_id,
                     now() - interval '365 days' + (i::float8 / $1::int) * interval '60 days' AS joined
                FROM generate_series(1, $1::int) AS i`,
      params: [U],
    },
    {
      step: 'plan transactions (temporary)',
      // k ≤ D: user k's opening deposit. Then transfer k: sender (k - D - 1) mod D + 1 (funded users in turn, so
      // none sends more than ceil(transfers / deposits) times), recipient drawn among the others.
      sql: `CREATE TEMPORARY TABLE seed_tx ON COMMIT DROP AS
              SELECT k, gen_random_uuid() AS id,
                     CASE WHEN k <= $2::int THEN NULL ELSE s END AS sender,
                     CASE WHEN k <= $2::int THEN k ELSE r + (r >= s)::int END AS recipient,
                     CASE WHEN k <= $2::int THEN $3::bigint
                          ELSE $4::bigint + floor(random() * ($5::bigint - $4::bigint + 1))::bigint END AS amount,
                     CASE WHEN k <= $2::int
                          THEN now() - interval '365 days' + (k::float8 / $6::int) * interval '60 days' + interval '1 hour'
                          ELSE now() - interval '300 days' + (k::float8 / $1::int) * interval '299 days' END AS at
                FROM generate_series(1, $1::int) AS k,
                     LATERAL (SELECT (k - $2::int - 1) % $2::int + 1 AS s,
                                     1 + floor(random() * ($6::int - 1))::int AS r) AS pick`,
      params: [
        T,
        D,
        plan.openingMinor.toString(),
        plan.minTransferMinor.toString(),
        plan.maxTransferMinor.toString(),
        U,
      ],
    },
    {
      step: 'balances (temporary)',
      sql: `CREATE TEMPORARY TABLE seed_balances ON COMMIT DROP AS
              SELECT i, sum(delta)::bigint AS posted FROM (
                SELECT recipient AS i, amount AS delta FROM seed_tx
                UNION ALL SELECT sender, -amount FROM seed_tx WHERE sender IS NOT NULL) AS moves
               GROUP BY i`,
      params: [],
    },
    {
      step: 'users',
      // The password hash of a bench user onboarded through the API: seeded users log in with the bench password.
      sql: `INSERT INTO users (id, email, password_hash, created_at, updated_at)
            SELECT user_id, 'seeded.' || $1::text || '.' || i || '@bench.example.com',
                   (SELECT password_hash FROM users WHERE email LIKE '%@bench.example.com' ORDER BY created_at LIMIT 1),
                   joined, joined
              FROM seed_users ORDER BY i`,
      params: [tag],
    },
    {
      step: 'auth_sessions',
      sql: `INSERT INTO auth_sessions (id, user_id, created_at, user_agent, ip, device_label, last_used_at)
            SELECT session_id, user_id, joined, 'monay-bench', '127.0.0.1', 'monay-bench', joined FROM seed_users`,
      params: [],
    },
    {
      step: 'refresh_tokens',
      sql: `INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at, created_at)
            SELECT gen_random_uuid(), session_id, rtrim(translate(encode(sha256(session_id::text::bytea), 'base64'), '+/', '-_'), '='),
                   joined + interval '30 days', joined
              FROM seed_users`,
      params: [],
    },
    {
      step: 'audit_log',
      sql: `INSERT INTO audit_log (occurred_at, ip, user_agent, actor_user_id, subject_user_id, action, outcome, details)
            SELECT joined, '127.0.0.1', 'monay-bench', user_id, user_id, 'registered', 'success',
                   jsonb_build_object('sessionId', session_id)
              FROM seed_users ORDER BY i`,
      params: [],
    },
    {
      step: 'wallets',
      // monay:<20 of [a-z2-9]>: md5's hex digits with 0 and 1 mapped into the alphabet.
      sql: `INSERT INTO wallets (id, user_id, address, kyc_level, created_at)
            SELECT gen_random_uuid(), user_id, 'monay:' || translate(left(md5(user_id::text), 20), '01', 'xy'), 1, joined
              FROM seed_users`,
      params: [],
    },
    {
      step: 'consumer_preferences',
      sql: `INSERT INTO consumer_preferences (user_id, updated_at) SELECT user_id, joined FROM seed_users`,
      params: [],
    },
    {
      step: 'provider_wallets',
      sql: `INSERT INTO provider_wallets (id, user_id, provider, address, provider_wallet_id, is_primary, created_at)
            SELECT gen_random_uuid(), user_id, p.provider, w.address,
                   CASE WHEN p.provider = 'tempo' THEN w.address ELSE gen_random_uuid()::text END,
                   p.provider = 'tempo', joined
              FROM seed_users,
                   LATERAL (VALUES ('tempo'), ('circle')) AS p (provider),
                   LATERAL (SELECT '0x' || md5(user_id::text || p.provider) || left(md5(p.provider || user_id::text), 8)
                              AS address) AS w`,
      params: [],
    },
    {
      step: 'sandbox_provider_wallets',
      // The sandbox providers' own record of the same wallets (the vendor side of provider_wallets).
      sql: `INSERT INTO sandbox_provider_wallets (id, provider, idempotency_key, user_ref, wallet_id, address, created_at)
            SELECT gen_random_uuid(), provider, 'wallet:' || user_id || ':' || provider, user_id::text,
                   provider_wallet_id, address, created_at
              FROM provider_wallets WHERE user_id IN (SELECT user_id FROM seed_users)`,
      params: [],
    },
    {
      step: 'ledger_accounts',
      // One account per stablecoin, as onboarding opens them; USDC carries the seeded history's balance.
      sql: `INSERT INTO ledger_accounts (id, owner_id, currency, kind, allow_negative, posted, created_at)
            SELECT gen_random_uuid(), u.user_id, c.currency, 'user_wallet', false,
                   CASE WHEN c.currency = 'USDC' THEN coalesce(b.posted, 0) ELSE 0 END, u.joined
              FROM seed_users u
              LEFT JOIN seed_balances b ON b.i = u.i
             CROSS JOIN (VALUES ('USDC'), ('USDT'), ('PYUSD'), ('EURC')) AS c (currency)`,
      params: [],
    },
    {
      step: 'world account',
      sql: `INSERT INTO ledger_accounts (id, owner_id, currency, kind, qualifier, allow_negative)
            VALUES (gen_random_uuid(), NULL, 'USDC', 'world', $1, true)
            ON CONFLICT (kind, currency, qualifier) WHERE owner_id IS NULL DO NOTHING`,
      params: [WORLD_QUALIFIER],
    },
    {
      step: 'account map (temporary)',
      sql: `CREATE TEMPORARY TABLE seed_accounts ON COMMIT DROP AS
              SELECT u.i, a.id AS account_id FROM seed_users u
                JOIN ledger_accounts a ON a.owner_id = u.user_id AND a.currency = 'USDC' AND a.kind = 'user_wallet';
            CREATE UNIQUE INDEX ON seed_accounts (i)`,
      params: [],
    },
    {
      step: 'ledger_transactions',
      sql: `INSERT INTO ledger_transactions (id, kind, status, reference, metadata, created_at)
            SELECT id, CASE WHEN sender IS NULL THEN 'deposit' ELSE 'p2p_transfer' END, 'posted',
                   gen_random_uuid()::text, '{"seeded": "bench"}', at
              FROM seed_tx ORDER BY k`,
      params: [],
    },
    {
      step: 'ledger_entries',
      // Two entries per transaction, debit first, in journal order (the sealer's order is the entry id).
      sql: `INSERT INTO ledger_entries (transaction_id, account_id, currency, amount, created_at)
            SELECT t.id, leg.account_id, 'USDC', leg.amount, t.at
              FROM seed_tx t
              LEFT JOIN seed_accounts s ON s.i = t.sender
              JOIN seed_accounts r ON r.i = t.recipient,
                   LATERAL (VALUES (1, coalesce(s.account_id, (SELECT id FROM ledger_accounts
                                                               WHERE owner_id IS NULL AND kind = 'world'
                                                                 AND currency = 'USDC' AND qualifier = $1)),
                                    -t.amount),
                                   (2, r.account_id, t.amount)) AS leg (n, account_id, amount)
             ORDER BY t.k, leg.n`,
      params: [WORLD_QUALIFIER],
    },
  ];
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/**
 * Writes the planned history into the database at `url` in one transaction (synchronous_commit off: a crash
 * loses the seed, never consistency), then VACUUM ANALYZE. The ledger's invariants hold afterwards: each
 * transaction's entries sum to zero, each user account's cached balance is the sum of its entries, no user
 * account is below zero, the world account's column stays 0 (a system account: its balance is its entries).
 */
export async function seedHistory(
  url: string,
  plan: SeedPlan,
  log: (line: string) => void,
): Promise<Omit<SeededHistory, 'seal' | 'tables' | 'databaseMegabytes'>> {
  const client = await connect(url);
  const steps: SeedStep[] = [];
  const tag = Date.now().toString(36);
  const started = performance.now();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL synchronous_commit = off`);
    await client.query(`SET LOCAL work_mem = '256MB'`);
    for (const { step, sql, params } of statements(plan, tag)) {
      const at = performance.now();
      const result = await client.query(sql, params);
      const rows = Array.isArray(result) ? (result.at(0)?.rowCount ?? 0) : (result.rowCount ?? 0);
      steps.push({ step, rows, seconds: round((performance.now() - at) / 1000, 2) });
      log(`    ${step}: ${rows} rows in ${steps.at(-1)?.seconds} s`);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  const seedSeconds = round((performance.now() - started) / 1000, 1);
  const vacuumStarted = performance.now();
  const vacuum = await connect(url);
  try {
    await vacuum.query('VACUUM ANALYZE');
  } finally {
    await vacuum.end();
  }
  return {
    plan: {
      users: plan.users,
      transactions: plan.transactions,
      deposits: plan.deposits,
      transfers: plan.transfers,
      entries: plan.transactions * 2,
    },
    steps,
    seedSeconds,
    vacuumAnalyzeSeconds: round((performance.now() - vacuumStarted) / 1000, 1),
  };
}

/** Rows and total size (heap, indexes, TOAST) of the big tables, and the database's size. */
export async function tableSizes(url: string): Promise<{ tables: TableSize[]; databaseMegabytes: number }> {
  const client = await connect(url);
  try {
    const tables: TableSize[] = [];
    for (const table of SIZED_TABLES) {
      const { rows } = await client.query<{ rows: string; bytes: string }>(
        `SELECT (SELECT count(*) FROM ${table}) AS rows, pg_total_relation_size($1::regclass) AS bytes`,
        [table],
      );
      tables.push({
        table,
        rows: Number(rows[0].rows),
        megabytes: round(Number(rows[0].bytes) / 1048576, 1),
      });
    }
    const { rows } = await client.query<{ bytes: string }>(
      'SELECT pg_database_size(current_database()) AS bytes',
    );
    return { tables, databaseMegabytes: round(Number(rows[0].bytes) / 1048576, 1) };
  } finally {
    await client.end();
  }
}

/**
 * Seals the journal through everything committed, as the every-minute job would have done long ago for a real
 * history: an operator (a user onboarded for it, granted admin in SQL) calls `POST /api/admin/ledger/seal`
 * (50 blocks of 1,000 transactions a call) until no transaction is left unsealed.
 */
export async function sealJournal(
  baseUrl: string,
  url: string,
  log: (line: string) => void,
): Promise<{ seconds: number; blocks: number; transactions: number }> {
  const email = `operator.${Date.now()}@bench.example.com`;
  await onboard(baseUrl, email);
  const client = await connect(url);
  try {
    await client.query(`UPDATE users SET roles = array_append(roles, 'admin') WHERE email = $1`, [email]);
  } finally {
    await client.end();
  }
  const token = await logIn(baseUrl, email);
  const auth = { Authorization: `Bearer ${token}` };
  const started = performance.now();
  const before = await sealStatus(baseUrl, auth);
  let left = before.unsealed;
  let stalls = 0;
  while (left > 0) {
    const response = await postJson(baseUrl, '/api/admin/ledger/seal', {}, auth);
    if (response.status !== 200) {
      throw new Error(
        `POST /api/admin/ledger/seal answered ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }
    const { seal } = response.body as { seal: { unsealed: number; block: number } };
    // The every-minute job may seal a block first (this run then stops early): progress is what is left.
    stalls = seal.unsealed < left ? 0 : stalls + 1;
    if (stalls >= 5) throw new Error(`sealing stalled with ${seal.unsealed} transactions unsealed`);
    left = seal.unsealed;
    log(`    sealed through block ${seal.block}; ${left} transactions left`);
  }
  const after = await sealStatus(baseUrl, auth);
  return {
    seconds: round((performance.now() - started) / 1000, 1),
    blocks: after.block - before.block,
    transactions: before.unsealed,
  };
}

async function sealStatus(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<{ block: number; unsealed: number }> {
  const response = await fetch(`${baseUrl}/api/admin/ledger/seal`, { headers });
  const body = (await response.json()) as { seal?: { block: number; unsealed: number } };
  if (response.status !== 200 || !body.seal) {
    throw new Error(`GET /api/admin/ledger/seal answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.seal;
}

export function seededReport(
  history: SeededHistory,
  load: ReportedLoad,
  emptyPeak: ReportedLoad,
): SeededReport {
  const ratioToEmpty = ratio(load.rps, emptyPeak.rps);
  return {
    history,
    load,
    emptyPeakRps: emptyPeak.rps,
    emptyPeakConnections: emptyPeak.connections,
    ratioToEmpty,
    target: SEEDED_RATIO_TARGET,
    targetMet: ratioToEmpty == null ? null : ratioToEmpty >= SEEDED_RATIO_TARGET,
  };
}

/**
 * The phase: seed, VACUUM ANALYZE, seal, measure the tables, then `measure()` (the bench's uniform load at the
 * empty peak's connection count, with the load users of the empty run) on the grown database.
 */
export async function runSeeded(input: {
  baseUrl: string;
  url: string;
  plan: SeedPlan;
  emptyPeak: ReportedLoad;
  log: (line: string) => void;
  measure: () => Promise<ReportedLoad>;
}): Promise<SeededReport> {
  const { plan, log } = input;
  log(
    `seeded database: ${plan.users} users and ${plan.transactions} ledger transactions written in SQL, ` +
      `then the uniform load at c=${input.emptyPeak.connections}`,
  );
  const seeded = await seedHistory(input.url, plan, log);
  log(
    `  seeded in ${seeded.seedSeconds} s; VACUUM ANALYZE ${seeded.vacuumAnalyzeSeconds} s; sealing the journal`,
  );
  const seal = await sealJournal(input.baseUrl, input.url, log);
  log(`  sealed ${seal.transactions} transactions in ${seal.blocks} blocks in ${seal.seconds} s`);
  const sizes = await tableSizes(input.url);
  const load = await input.measure();
  const report = seededReport({ ...seeded, seal, ...sizes }, load, input.emptyPeak);
  log(
    `  seeded / empty peak: ${report.ratioToEmpty ?? '–'}× (target ≥ ${SEEDED_RATIO_TARGET}×: ` +
      `${report.targetMet ? 'met' : 'NOT met'})`,
  );
  return report;
}

/** The headline table's row: the seeded peak, its ratio to the empty peak and, like the others, to raw SQL. */
export function renderSeededRow(seeded: SeededReport | null | undefined, rawBestTps: number | null): string {
  if (!seeded) return '| API P2P on a seeded database (`--skip-seeded`) | skipped | – | – |';
  const p = seeded.history.plan;
  const target = `target ≥ ${seeded.target}×: ${seeded.targetMet ? 'met' : '**NOT met**'}`;
  return (
    `| API P2P on a seeded database (+${fmt(p.users)} users, +${fmt(p.transactions)} ledger transactions ` +
    `written in SQL), c=${seeded.load.connections}; ${times(seeded.ratioToEmpty)} of the empty peak (${target}) | ` +
    `${fmt(Math.round(seeded.load.rps))} req/s | ${lat(seeded.load.latency)} | ${times(ratio(seeded.load.rps, rawBestTps))} |`
  );
}

/** The detail paragraph: what was written, how long each part took, the table sizes, the load. */
export function renderSeededDetail(seeded: SeededReport): string {
  const h = seeded.history;
  const p = h.plan;
  const load = seeded.load;
  const slowest = [...h.steps]
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 4)
    .map((s) => `${s.step} ${fmt(s.rows)} rows ${s.seconds} s`)
    .join(', ');
  const lines = [
    `**Seeded database**: after the half-peak, withdrawal and swap phases, monay_bench_api grew by ${fmt(p.users)} users with every row ` +
      'onboarding gives one (the user, a session and its refresh token, the audit line, the wallet, preferences, ' +
      'four ledger accounts, Tempo and Circle provider wallets and the sandbox providers’ records of them) and ' +
      `${fmt(p.transactions)} posted ledger transactions with ${fmt(p.entries)} entries: ${fmt(p.deposits)} ` +
      `opening deposits from a \`world\` account and ${fmt(p.transfers)} P2P-shaped transfers of 0.01–1.00 USDC ` +
      'between the seeded users (kinds `deposit` and `p2p_transfer`, metadata `{"seeded": "bench"}`), spread over a ' +
      'year, balances cached as the ledger keeps them. Written in SQL ' +
      `(\`INSERT … SELECT\` over \`generate_series\`, one transaction, synchronous_commit off) in ${fmt(h.seedSeconds, 1)} s ` +
      `(slowest: ${slowest}); VACUUM ANALYZE ${fmt(h.vacuumAnalyzeSeconds, 1)} s; ` +
      (h.seal
        ? `the journal's hash chain sealed through it (as the every-minute job would have long since) in ` +
          `${fmt(h.seal.seconds, 1)} s, ${fmt(h.seal.blocks)} blocks. `
        : 'not sealed. ') +
      `Then the uniform P2P load again with the same load users at the empty peak's c=${load.connections} for ` +
      `${fmt(load.seconds, 1)} s: ${fmt(Math.round(load.rps))} req/s against ${fmt(Math.round(seeded.emptyPeakRps))} ` +
      `empty (${times(seeded.ratioToEmpty)}), p50 / p95 / p99 ${lat(load.latency)} ms, ${load.non2xx} non-2xx, ${load.errors} ` +
      `errors, in-API mean ${fmt(load.server?.meanMs, 1)} ms; CPU cores API / worker / PostgreSQL / load gen / other / ` +
      `machine busy ${cpuCell(load)}. Only the ledger and the user directory grew: transfers, their history, the outbox, ` +
      'idempotency keys and the read models hold the run’s own rows.',
    '',
    `| table, before the seeded load (database ${fmt(h.databaseMegabytes, 1)} MB) | rows | total size MB |`,
    '|---|---:|---:|',
    ...h.tables.map((t) => `| ${t.table} | ${fmt(t.rows)} | ${fmt(t.megabytes, 1)} |`),
  ];
  return lines.join('\n');
}
