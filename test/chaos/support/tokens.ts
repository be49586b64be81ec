import { createHmac } from 'node:crypto';

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export function signHs256(payload: object, secret: string): string {
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/**
 * Access tokens that must all be refused with 401, made from a real one (its session is live) and the app's
 * signing key: each differs from an accepted token in one way only.
 */
export function badTokens(
  valid: string,
  secret: string,
): Array<{ name: string; token: string | undefined; code: string }> {
  const [header, payload, signature] = valid.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  // A character in the middle of the signature (the last one may only carry padding bits).
  const middle = Math.floor(signature.length / 2);
  const flipped = `${signature.slice(0, middle)}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`;
  return [
    { name: 'no token', token: undefined, code: 'INVALID_TOKEN' },
    { name: 'a tampered signature', token: `${header}.${payload}.${flipped}`, code: 'INVALID_TOKEN' },
    {
      name: 'a tampered payload (admin role)',
      token: `${header}.${base64url({ ...claims, roles: ['admin'] })}.${signature}`,
      code: 'INVALID_TOKEN',
    },
    {
      name: 'an expired token',
      token: signHs256({ ...claims, iat: now - 120, exp: now - 60 }, secret),
      code: 'TOKEN_EXPIRED',
    },
    {
      name: 'alg: none',
      token: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, exp: now + 600 })}.`,
      code: 'INVALID_TOKEN',
    },
    {
      name: 'another signing key',
      token: signHs256({ ...claims, exp: now + 600 }, 'k'.repeat(64)),
      code: 'INVALID_TOKEN',
    },
  ];
}
