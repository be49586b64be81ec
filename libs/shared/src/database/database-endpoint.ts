import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { PgliteThread } from './pglite';

/**
 * Where the database is. In production, PostgreSQL at `DATABASE_URL`. In the embedded default, a
 * PGlite database in `DATA_DIR/pglite` served on loopback by the wire server on a thread of its own
 * ({@link PgliteThread}), so TypeORM and BullMQ use their ordinary `postgres` drivers in both modes.
 */
@Injectable()
export class DatabaseEndpoint implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private readonly dependents: Array<() => Promise<void>> = [];

  private constructor(
    readonly url: string,
    readonly mode: 'postgres' | 'embedded',
    private readonly embedded: PgliteThread | undefined,
    private readonly location: string,
    private readonly moduleRef?: ModuleRef,
  ) {}

  static async open(config: AppConfig, moduleRef?: ModuleRef): Promise<DatabaseEndpoint> {
    if (config.database.mode === 'postgres') {
      const { url } = config.database;
      return new DatabaseEndpoint(url, 'postgres', undefined, redactUrl(url), moduleRef);
    }
    const server = await PgliteThread.start({
      dataDir: config.database.dataDir,
      seedFile: config.database.seedFile,
      password: config.database.password,
      logger: new Logger('Database'),
    });
    const location = config.database.dataDir ?? 'memory (DATA_DIR=:memory:)';
    return new DatabaseEndpoint(server.connectionString(), 'embedded', server, location, moduleRef);
  }

  describe(): string {
    return this.mode === 'postgres'
      ? `PostgreSQL at ${this.location}`
      : `embedded PGlite, data in ${this.location}, served on ${redactUrl(this.url)}`;
  }

  /**
   * Registers something that talks to this database (a pool, a job queue) and must close before it does,
   * whatever order Nest runs shutdown hooks in. `close` must be idempotent.
   */
  closeBeforeMe(close: () => Promise<void>): void {
    this.dependents.push(close);
  }

  /** Close every client (TypeORM's pool, BullMQ's) before the embedded server under them. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    await Promise.allSettled(this.dependents.map((close) => close()));
    const dataSource = this.moduleRef?.get(DataSource, { strict: false });
    if (dataSource?.isInitialized) await dataSource.destroy();
    await this.embedded.close();
    this.logger.log('Embedded database closed');
  }
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
