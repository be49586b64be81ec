import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import { assignRequestId } from '../http/request-id';

/** Paths pino blanks out wherever they appear: credentials, tokens and card data never reach the logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.secret',
  '*.cardNumber',
  '*.pan',
  '*.cvv',
  '*.cvc',
];

/** Structured JSON logs, one request id per request (accepting the caller's `X-Request-Id`). */
export function loggingOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (request, response) => assignRequestId(request, response),
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (request) => request.url === '/metrics' || request.url === '/api/health/live' },
      serializers: {
        req: (request: { id: string; method: string; url: string }) => ({
          id: request.id,
          method: request.method,
          url: request.url,
        }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
    },
  };
}
