import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { loadConfig } from '#monay/shared';
import { createTestEnvironment, type TestEnvironment } from '../../libs/shared/src/testing';
import { createApp, type CreateAppOptions } from '../../apps/api/src/create-app';

export interface TestApp {
  app: NestExpressApplication;
  http: () => ReturnType<typeof request>;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Boots the real API (same module, same global setup as `npm start`) in an isolated environment. */
export async function startTestApp(
  overrides: NodeJS.ProcessEnv = {},
  options: CreateAppOptions = {},
): Promise<TestApp> {
  const environment: TestEnvironment = await createTestEnvironment(overrides);
  const app = await createApp(loadConfig(environment.env), options);
  await app.init();
  return {
    app,
    env: environment.env,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await environment.dispose();
    },
  };
}

let counter = 0;

/** A unique, valid registration. */
export function newUser(prefix = 'user'): { email: string; password: string } {
  counter += 1;
  return {
    email: `${prefix}.${process.pid}.${Date.now()}.${counter}@example.com`,
    password: 'correct-horse-battery',
  };
}
