import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../../migrations';
import { BigIntTransformer } from './bigint.transformer';
import { PreparingClient } from './prepared-statements';

export { BigIntTransformer };

/** The one description of our PostgreSQL connection: used by the app, the migration runner and tests. */
export function dataSourceOptions(
  url: string,
  poolSize: number,
  acquireTimeoutMs = 5_000,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    extra: {
      // Repeated parameterized statements run prepared: parsed once per connection (prepared-statements.ts).
      Client: PreparingClient,
      max: poolSize,
      // Waiting longer than this for a connection (pool exhausted, server unreachable) answers 503.
      connectionTimeoutMillis: acquireTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: 'monay-wallet',
    },
  };
}
