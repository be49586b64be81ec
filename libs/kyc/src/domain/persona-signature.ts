import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Persona's webhook signature (docs.withpersona.com, "Webhooks: checking signatures"): the header
 * `Persona-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. While a secret rotates,
 * Persona sends one pair per secret, separated by a space: `t=…,v1=… t=…,v1=…`.
 */
export const PERSONA_SIGNATURE_HEADER = 'Persona-Signature';

/** How far a webhook's timestamp may be from our clock, either way. */
export const PERSONA_TOLERANCE_SECONDS = 300;

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^[0-9]{1,12}$/;

function digest(secret: string, rawBody: Buffer | string, timestamp: number): Buffer {
  return createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest();
}

/** The header for `rawBody` sent at `timestamp`, one pair per secret (the first is the current one). */
export function signPersona(secrets: readonly string[], rawBody: Buffer | string, timestamp: number): string {
  return secrets
    .map((secret) => `t=${timestamp},v1=${digest(secret, rawBody, timestamp).toString('hex')}`)
    .join(' ');
}

/**
 * Whether `header` holds a pair signed with one of `secrets` over exactly `rawBody`, within the tolerance of
 * `nowSeconds`. Malformed headers are false, never thrown; every candidate is compared in constant time.
 */
export function verifyPersona(
  secrets: readonly string[],
  rawBody: Buffer | string,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = PERSONA_TOLERANCE_SECONDS,
): boolean {
  if (typeof header !== 'string' || header.length > 2048 || secrets.length === 0) return false;
  const pairs = header.trim().split(/\s+/);
  if (pairs.length > 4) return false;
  let matched = false;
  for (const pair of pairs) {
    let timestamp: number | undefined;
    let signature: Buffer | undefined;
    for (const part of pair.split(',')) {
      const separator = part.indexOf('=');
      if (separator <= 0) return false;
      const key = part.slice(0, separator);
      const value = part.slice(separator + 1);
      if (key === 't' && UNIX_SECONDS.test(value) && timestamp === undefined) timestamp = Number(value);
      else if (key === 'v1' && HEX_SHA256.test(value) && signature === undefined)
        signature = Buffer.from(value, 'hex');
      else return false;
    }
    if (timestamp === undefined || signature === undefined) return false;
    if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) continue;
    for (const secret of secrets) {
      if (timingSafeEqual(signature, digest(secret, rawBody, timestamp))) matched = true;
    }
  }
  return matched;
}
