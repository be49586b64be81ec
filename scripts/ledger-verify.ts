import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  LEDGER_INVARIANTS,
  verifyLedger,
  verifyLedgerSeals,
  type LedgerReport,
  type SealReport,
} from '#monay/ledger';
import { dataSourceOptions, loadConfigOrExit, PgliteWireServer } from '#monay/shared';

/**
 * `npm run ledger:verify`: checks every ledger invariant and recomputes the journal's hash chain (ledger_seals)
 * on DATABASE_URL, or on the embedded database in DATA_DIR, prints a report and exits 1 on any breach or broken
 * link (2 if the check could not run).
 */
async function main(): Promise<number> {
  const config = loadConfigOrExit();
  let embedded: PgliteWireServer | undefined;
  let url: string;
  let where: string;
  if (config.database.mode === 'postgres') {
    url = config.database.url;
    where = `PostgreSQL ${redact(url)}`;
  } else {
    embedded = await PgliteWireServer.start({
      dataDir: config.database.dataDir,
      password: config.database.password,
    });
    url = embedded.connectionString();
    where = `embedded PGlite in ${config.database.dataDir ?? 'memory'}`;
  }
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  try {
    await dataSource.initialize();
    if (await dataSource.showMigrations()) {
      console.error(`ledger:verify: ${where} has pending migrations; run \`npm run migration:run\` first`);
      return 2;
    }
    // One snapshot for every check, read-only: the check never blocks or changes money movement.
    const [report, seals] = await dataSource.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      return [await verifyLedger(tx), await verifyLedgerSeals(tx)] as const;
    });
    console.log(format(report, where));
    console.log(formatSeals(seals));
    return report.ok && seals.ok ? 0 : 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.close();
  }
}

function format(report: LedgerReport, where: string): string {
  const { counts } = report;
  const lines = [
    `Ledger check of ${where} at ${report.checkedAt}`,
    `  ${counts.accounts} accounts, ${counts.transactions} transactions, ${counts.entries} entries, ` +
      `${counts.pendingHolds} pending holds`,
    '  System accounts (fees, clearing, pools) keep no cached balance: theirs is the sum of their entries,',
    '  so hot accounts are never row-locked per transfer. User accounts keep a cached balance checked below.',
    '',
  ];
  for (const invariant of LEDGER_INVARIANTS) {
    const breaches = report.breaches.filter((breach) => breach.invariant === invariant);
    lines.push(`  ${breaches.length === 0 ? 'ok    ' : 'BREACH'}  ${invariant}`);
    for (const breach of breaches) lines.push(`            ${breach.detail}`);
  }
  lines.push(
    '',
    report.ok
      ? 'ledger:verify: every invariant holds'
      : `ledger:verify: ${new Set(report.breaches.map((b) => b.invariant)).size} invariant(s) breached`,
  );
  return lines.join('\n');
}

function formatSeals(report: SealReport): string {
  const chain = `  ${report.blocks} sealed blocks, ${report.transactions} transactions, sealed through entry ${report.sealedThrough}`;
  if (report.ok)
    return ['', 'Journal hash chain (ledger_seals)', chain, 'ledger:verify: the hash chain is intact'].join(
      '\n',
    );
  const broken = report.broken;
  return [
    '',
    'Journal hash chain (ledger_seals)',
    `  intact through block ${report.blocks}`,
    `  BROKEN  block ${broken?.block}${broken?.transactionId ? `, transaction ${broken.transactionId}` : ''}: ${broken?.reason}`,
    `ledger:verify: the hash chain is broken at block ${broken?.block}`,
  ].join('\n');
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('ledger:verify failed:', error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
