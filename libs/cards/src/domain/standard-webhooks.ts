import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks (standardwebhooks.com, as Svix, Lithic and others sign): headers `webhook-id`,
 * `webhook-timestamp` (unix seconds) and `webhook-signature` = space-separated `v1,<base64 HMAC-SHA256>` over
 * `<id>.<timestamp>.<raw body>`, keyed by the secret (`whsec_<base64>`: the bytes after the prefix).
 */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const ID = /^[A-Za-z0-9_.-]{1,128}$/;
const SECONDS = /^[0-9]{1,12}$/;

function key(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

function digest(secret: string, id: string, timestamp: number, body: Buffer | string): Buffer {
  return createHmac('sha256', key(secret))
    .update(`${id}.${timestamp}.`)
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest();
}

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The three headers of a delivery of `body` as message `id` at `timestamp` (unix seconds). */
export function signStandardWebhook(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: Buffer | string,
): StandardWebhookHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets
      .map((secret) => `v1,${digest(secret, id, timestamp, body).toString('base64')}`)
      .join(' '),
  };
}

/**
 * Whether the headers sign exactly `body` with one of `secrets`, within the tolerance of `nowSeconds`. Malformed
 * headers are false, never thrown; every candidate signature is compared in constant time.
 */
export function verifyStandardWebhook(
  secrets: readonly string[],
  body: Buffer | string | undefined,
  headers: { id?: string; timestamp?: string; signature?: string },
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  const { id, timestamp, signature } = headers;
  if (body === undefined || secrets.length === 0) return false;
  if (typeof id !== 'string' || !ID.test(id)) return false;
  if (typeof timestamp !== 'string' || !SECONDS.test(timestamp)) return false;
  if (typeof signature !== 'string' || signature.length > 2048) return false;
  const at = Number(timestamp);
  if (Math.abs(nowSeconds - at) > toleranceSeconds) return false;
  const candidates = signature.trim().split(/\s+/).slice(0, 8);
  let matched = false;
  for (const candidate of candidates) {
    const [version, value] = candidate.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    for (const secret of secrets) {
      const expected = digest(secret, id, at, body);
      if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
    }
  }
  return matched;
}
