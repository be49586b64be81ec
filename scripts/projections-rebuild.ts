import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InsightsModule, ProjectionRebuilder } from '#monay/insights';
import { CoreModule, loadConfigOrExit } from '#monay/shared';
// The journal holds every context's events: loading each context declares its events (and their upcasters) to
// the catalogue, so that old rows replay as the current types.
import '#monay/banking';
import '#monay/cards';
import '#monay/identity';
import '#monay/kyc';
import '#monay/notifications';
import '#monay/providers';
import '#monay/rewards';
import '#monay/transfers';
import '#monay/wallet';

/** `npm run projections:rebuild`: rebuilds the insights read models from the event journal. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();

  @Module({ imports: [CoreModule.forRoot(config, { processors: false, relay: false }), InsightsModule] })
  class RebuildModule {}

  const app = await NestFactory.createApplicationContext(RebuildModule, { logger: ['error', 'warn'] });
  try {
    const started = Date.now();
    const events = await app.get(ProjectionRebuilder).rebuild();
    console.log(`projections:rebuild: replayed ${events} events in ${Date.now() - started} ms`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error('projections:rebuild failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
