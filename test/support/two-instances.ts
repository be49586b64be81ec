import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DatabaseEndpoint, loadConfig, OutboxRelay } from '#monay/shared';
import { createTestEnvironment, type TestEnvironment } from '../../libs/shared/src/testing';
import { createApp } from '../../apps/api/src/create-app';

export interface Instance {
  app: NestExpressApplication;
  url: string;
  http: () => ReturnType<typeof request>;
}

/** One API process as production runs it, listening on a free port. */
async function startInstance(env: NodeJS.ProcessEnv): Promise<Instance> {
  const app = await createApp(loadConfig(env));
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), http: () => request(app.getHttpServer()) };
}

/**
 * Two API instances on one database (and one Redis, when set): without DATABASE_URL, B uses A's embedded database
 * over the wire. B relays nothing, so what reaches B's sockets comes from B's own reading of the outbox, not from a
 * relay in B.
 */
export async function startTwoInstances(): Promise<{ a: Instance; b: Instance; close: () => Promise<void> }> {
  const environment: TestEnvironment = await createTestEnvironment();
  const a = await startInstance(environment.env);
  const b = await startInstance({
    ...environment.env,
    DATABASE_URL: environment.env.DATABASE_URL ?? a.app.get(DatabaseEndpoint).url,
  });
  await b.app.get(OutboxRelay).beforeApplicationShutdown();
  const close = async () => {
    await b.app.close();
    await a.app.close();
    await environment.dispose();
  };
  return { a, b, close };
}
