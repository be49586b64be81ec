import { Global, Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { DatabaseEndpoint } from './database-endpoint';
import { dataSourceOptions } from './data-source-options';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseEndpoint,
      inject: [AppConfig, ModuleRef],
      useFactory: (config: AppConfig, moduleRef: ModuleRef) => DatabaseEndpoint.open(config, moduleRef),
    },
  ],
  exports: [DatabaseEndpoint],
})
class DatabaseEndpointModule {}

/** TypeORM on PostgreSQL or embedded PGlite; migrations, never `synchronize`. */
@Global()
@Module({
  imports: [
    DatabaseEndpointModule,
    TypeOrmModule.forRootAsync({
      imports: [DatabaseEndpointModule],
      inject: [AppConfig, DatabaseEndpoint],
      useFactory: (config: AppConfig, endpoint: DatabaseEndpoint) => ({
        ...dataSourceOptions(endpoint.url, config.database.poolSize, config.database.acquireTimeoutMs),
        autoLoadEntities: true,
        migrationsRun: config.database.migrateOnStart,
        retryAttempts: config.isProduction ? 10 : 1,
        retryDelay: 1_000,
      }),
    }),
  ],
  exports: [DatabaseEndpointModule],
})
export class DatabaseModule {}
