// First: glibc's malloc settings, which may restart this process before anything else is loaded.
import '#monay/glibc-malloc';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { DatabaseEndpoint, installGracefulShutdown, JobBackend, loadConfigOrExit } from '#monay/shared';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  await app.init();
  const logger = new Logger('Worker');
  installGracefulShutdown(() => app.close(), config.shutdownTimeoutMs, logger);
  logger.log(
    `Monay worker running: ${app.get(JobBackend).describe()}; database: ${app.get(DatabaseEndpoint).describe()}`,
  );
}

main().catch((error: unknown) => {
  console.error('Monay worker failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
