import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import helmet from 'helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import {
  AppConfig,
  DatabaseEndpoint,
  JobBackend,
  outsideApiNotFound,
  recordJsonNumberSource,
  requestIdMiddleware,
} from '#monay/shared';
import { RealtimeIoAdapter } from '#monay/realtime';
import { AppModule } from './app.module';
import { webConsole } from './web-console';

export const BODY_LIMIT = '100kb';

/** Where `npm run build` writes the web console (apps/web), relative to the working directory like DATA_DIR. */
export const WEB_CONSOLE_DIR = resolve('dist/web');

export interface CreateAppOptions {
  /** The built web console to serve at `/` (tests point it at a fixture). Default WEB_CONSOLE_DIR. */
  webConsoleDir?: string;
}

/** Builds the HTTP application exactly as production runs it; the e2e suites boot this too. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
    // The JSON parser below also keeps the raw bytes (`request.rawBody`): provider webhook signatures cover them.
    rawBody: true,
  });
  app.useLogger(app.get(PinoLogger));
  app.use(requestIdMiddleware);
  // X-Forwarded-For is believed only from the proxies named in TRUSTED_PROXIES (default: none). Trusting any
  // private address let a client inside the network pick its own address, and so its rate-limit bucket.
  app.set('trust proxy', config.trustedProxies.length > 0 ? config.trustedProxies : false);
  app.disable('x-powered-by');
  app.use(helmet());
  app.enableCors({
    origin: config.corsOrigins,
    credentials: true,
    exposedHeaders: ['X-Request-Id', 'Idempotent-Replayed'],
  });
  // The reviver keeps each JSON number's source text, so amounts are read as sent (json-number-source.ts).
  app.useBodyParser('json', {
    limit: BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
    reviver: recordJsonNumberSource,
  });
  // Form bodies reach only the routes jsonOnly lets them through to (Twilio's status callbacks, one-click unsubscribe).
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  // The web console at `/` (static files, SPA fallback, its own CSP); everything else outside /api is 404.
  app.use(webConsole(options.webConsoleDir ?? WEB_CONSOLE_DIR));
  app.use(outsideApiNotFound);
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  // Socket.IO on /ws: CORS as above (each API process feeds its own sockets from the outbox: no cluster adapter).
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, config));

  const openApi = new DocumentBuilder()
    .setTitle('Monay Wallet API')
    .setDescription(
      'Consumer stablecoin wallet. Amounts are decimal strings; errors are `{success:false, error:{code, message, details?, requestId}}`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs-json',
  });
  return app;
}

/** One line per runtime choice, so an operator sees at once which mode is running and where data lives. */
export function describeRuntime(app: NestExpressApplication, config: AppConfig): string[] {
  const lines = [
    `mode: ${config.database.mode === 'embedded' ? 'embedded default' : 'production services'} (NODE_ENV=${config.env})`,
    `database: ${app.get(DatabaseEndpoint).describe()}`,
    `jobs: ${app.get(JobBackend).describe()}, processors ${config.jobsInProcess ? 'in this process' : 'in apps/worker'}`,
    `rate limits: ${config.redis ? 'Redis' : 'in memory'}`,
    `web console: ${existsSync(join(WEB_CONSOLE_DIR, 'index.html')) ? `${WEB_CONSOLE_DIR} at /` : 'not built (npm run build)'}`,
  ];
  if (config.auth.generatedSecretsFile) {
    lines.push(`secrets: generated development secrets kept in ${config.auth.generatedSecretsFile}`);
  }
  return lines;
}
