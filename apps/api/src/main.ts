import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { CallbackTarget } from '#monay/notifications';
import { PersonaSandboxWebhooks } from '#monay/kyc';
import { WebhookTarget } from '#monay/providers';
import { installGracefulShutdown, loadConfigOrExit } from '#monay/shared';
import { createApp, describeRuntime } from './create-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  const logger = new Logger('Monay');
  installGracefulShutdown(() => app.close(), config.shutdownTimeoutMs, logger);
  await app.listen(config.port, config.host);
  app.get(WebhookTarget).listeningOn(app.getHttpServer().address());
  app.get(CallbackTarget).listeningOn(app.getHttpServer().address());
  app.get(PersonaSandboxWebhooks).listeningOn(app.getHttpServer().address());
  logger.log(`Monay Wallet API on ${await app.getUrl()}/api (docs at /api/docs)`);
  for (const line of describeRuntime(app, config)) logger.log(line);
}

main().catch((error: unknown) => {
  console.error('Monay Wallet API failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
