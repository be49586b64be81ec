import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '#monay/shared';
import { createApp } from '../apps/api/src/create-app';
import { renderClientTypes, type OpenApiDocument } from './web-api-client-types';

/**
 * `npm run web:api`: boots the API in memory, reads its OpenAPI document (`/api/docs-json`) and writes the web
 * console's typed route table (apps/web/src/api/schema.ts). The browser spec fails when the committed file and the
 * running API drift apart.
 */
async function main(): Promise<void> {
  const app = await createApp(loadConfig({ ...process.env, DATA_DIR: ':memory:', LOG_LEVEL: 'warn' }));
  await app.listen(0, '127.0.0.1');
  try {
    const address = app.getHttpServer().address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${address.port}/api/docs-json`);
    const target = join(process.cwd(), 'apps/web/src/api/schema.ts');
    writeFileSync(target, renderClientTypes((await response.json()) as OpenApiDocument));
    console.log(`wrote ${target}`);
  } finally {
    await app.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
