import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions, loadConfigOrExit, PgliteWireServer } from '#monay/shared';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded database. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  let embedded: PgliteWireServer | undefined;
  let url: string;
  if (config.database.mode === 'postgres') {
    url = config.database.url;
  } else {
    embedded = await PgliteWireServer.start({
      dataDir: config.database.dataDir,
      password: config.database.password,
    });
    url = embedded.connectionString();
  }
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(
      applied.length === 0
        ? 'migration:run: database is up to date'
        : `migration:run: applied ${applied.map((migration) => migration.name).join(', ')}`,
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.close();
  }
}

main().catch((error: unknown) => {
  console.error('migration:run failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
