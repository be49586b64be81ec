// First: glibc's malloc settings, which may restart this process before anything else is loaded.
import '#monay/glibc-malloc';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { installGracefulShutdown, loadConfigOrExit, OwnAddress } from '#monay/shared';
import { createApp, describeRuntime } from './create-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  const logger = new Logger('Monay');
  installGracefulShutdown(() => app.close(), config.shutdownTimeoutMs, logger);
  await app.listen(config.port, config.host);
  // The sandbox vendors (providers, SMS, KYC) call back here unless their webhook URL is configured.
  app.get(OwnAddress).listeningOn(app.getHttpServer().address());
  logger.log(`Monay Wallet API on ${await app.getUrl()}/api (docs at /api/docs)`);
  for (const line of describeRuntime(app, config)) logger.log(line);
}

main().catch((error: unknown) => {
  console.error('Monay Wallet API failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
