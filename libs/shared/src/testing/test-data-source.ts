import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { PgliteWireServer } from '../database/pglite';
import { createTestEnvironment } from './test-environment';

export interface TestDataSource {
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * A migrated database for one integration spec: a fresh PostgreSQL database when `DATABASE_URL` is set,
 * else an in-memory PGlite behind the wire server. The same TypeORM `postgres` driver either way.
 */
export async function openTestDataSource(
  entities: NonNullable<DataSourceOptions['entities']>,
  poolSize = 8,
): Promise<TestDataSource> {
  const environment = await createTestEnvironment();
  const server = environment.env.DATABASE_URL ? undefined : await PgliteWireServer.start({});
  const url = environment.env.DATABASE_URL ?? server?.connectionString() ?? '';
  const dataSource = new DataSource({ ...dataSourceOptions(url, poolSize), entities });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await server?.close();
      await environment.dispose();
    },
  };
}
