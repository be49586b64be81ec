import {
  createECDH,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/** How far a signed event batch's timestamp may be from now before it is refused (a replay). */
export const SENDGRID_SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * The order of P-256's base point: a private scalar must lie in [1, n).
 */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/**
 * SendGrid's signed event webhook: `X-Twilio-Email-Event-Webhook-Signature` is the base64 DER ECDSA signature
 * (P-256, SHA-256) of `X-Twilio-Email-Event-Webhook-Timestamp` followed by the raw body (a JSON array of events);
 * the receiver holds the verification key, the base64 DER (SPKI) public key SendGrid shows.
 */
export function signSendgridEvents(
  privateKey: KeyObject,
  timestamp: string,
  rawBody: Buffer | string,
): string {
  return sign(
    'sha256',
    Buffer.concat([Buffer.from(timestamp, 'utf8'), toBuffer(rawBody)]),
    privateKey,
  ).toString('base64');
}

/** The verification key SendGrid shows (base64 DER, SPKI) as a key; null if it is not one. */
export function sendgridVerificationKey(base64: string): KeyObject | null {
  try {
    return createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/** Whether the signature is the verification key's over timestamp + body, and the timestamp is recent. */
export function isValidSendgridSignature(
  key: KeyObject | null,
  timestamp: string | undefined,
  rawBody: Buffer | undefined,
  signature: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!key || !timestamp || !rawBody || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > SENDGRID_SIGNATURE_TOLERANCE_SECONDS) return false;
  try {
    return verify(
      'sha256',
      Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]),
      key,
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/**
 * The sandbox's signing key, derived from a secret so that every process (the worker whose sandbox signs, the API
 * that verifies) has the same pair without sharing a file: the private scalar is HMAC-SHA256(secret), hashed again
 * in the vanishing case that it is not below the curve's order.
 */
export function sandboxSigningKey(secret: string): { privateKey: KeyObject; verificationKey: string } {
  let scalar = createHmac('sha256', secret).update('notifications:sendgrid-events').digest();
  while (BigInt(`0x${scalar.toString('hex')}`) >= P256_ORDER || scalar.every((byte) => byte === 0)) {
    scalar = createHmac('sha256', secret).update(scalar).digest();
  }
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(scalar);
  const point = ecdh.getPublicKey();
  const privateKey = createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: scalar.toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const verificationKey = createPublicKey(privateKey)
    .export({ type: 'spki', format: 'der' })
    .toString('base64');
  return { privateKey, verificationKey };
}

function toBuffer(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
