import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed provider webhooks (headers `Webhook-Id` and `Webhook-Signature`), in the scheme Stripe and
 * Standard Webhooks use: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The timestamp is
 * signed with the body, so a captured request cannot be replayed once it is older than the tolerance.
 */
export const WEBHOOK_SIGNATURE_HEADER = 'Webhook-Signature';
export const WEBHOOK_ID_HEADER = 'Webhook-Id';

/** How far a webhook's timestamp may be from our clock, either way, before it is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^[0-9]{1,12}$/;

function digest(secret: string, rawBody: string | Buffer, timestampSeconds: number): Buffer {
  return createHmac('sha256', secret)
    .update(`${timestampSeconds}.`)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest();
}

/** The `Webhook-Signature` header value for `rawBody` sent at `timestampSeconds`. */
export function signWebhook(secret: string, rawBody: string | Buffer, timestampSeconds: number): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError(`timestampSeconds must be a non-negative integer, got ${timestampSeconds}`);
  }
  return `t=${timestampSeconds},v1=${digest(secret, rawBody, timestampSeconds).toString('hex')}`;
}

/**
 * Whether `header` is a valid signature of exactly `rawBody` (the bytes received, before any JSON parsing)
 * under `secret`, made within `toleranceSeconds` of `nowSeconds`. Malformed headers are false, never thrown.
 * Several `v1=` entries are allowed (a sender rotating secrets); one matching is enough. Compared in
 * constant time.
 */
export function verifyWebhook(
  secret: string,
  rawBody: string | Buffer,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  if (typeof header !== 'string' || header.length > 1024) return false;
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) return false;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !UNIX_SECONDS.test(value)) return false;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!HEX_SHA256.test(value)) return false;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (v0, future versions) are ignored, as Stripe does.
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = digest(secret, rawBody, timestamp);
  let matched = false;
  for (const signature of signatures) {
    // Every candidate is compared (no early exit), each in constant time.
    if (timingSafeEqual(signature, expected)) matched = true;
  }
  return matched;
}
