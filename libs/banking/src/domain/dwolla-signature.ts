import { createHmac, timingSafeEqual } from 'node:crypto';

/** Dwolla's webhook signature: `X-Request-Signature-SHA-256` = hex HMAC-SHA256(secret, raw body). */
export const DWOLLA_SIGNATURE_HEADER = 'X-Request-Signature-SHA-256';

export function signDwolla(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/** Whether `header` is the signature of exactly `rawBody` with one of `secrets`; compared in constant time. */
export function verifyDwolla(
  secrets: readonly string[],
  rawBody: Buffer | string,
  header: string | undefined,
): boolean {
  if (typeof header !== 'string' || !/^[0-9a-f]{64}$/i.test(header)) return false;
  const given = Buffer.from(header.toLowerCase(), 'hex');
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(given, Buffer.from(signDwolla(secret, rawBody), 'hex'))) matched = true;
  }
  return matched;
}
