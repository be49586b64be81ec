import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '#monay/shared';

/**
 * The keys behind account security's stored proofs, derived from the configured secrets (as the providers' webhook
 * secrets are): one-time codes, recovery codes and sign-in challenge tokens are stored as HMACs under a key derived
 * from REFRESH_TOKEN_SECRET (a database dump alone cannot brute-force a 6-digit code), and step-up tokens are
 * signed under a key derived from JWT_ACCESS_SECRET. Every API replica derives the same keys.
 */
@Injectable()
export class SecurityKeys {
  private readonly storageKey: Buffer;
  private readonly stepUpKey: Buffer;

  constructor(config: AppConfig) {
    this.storageKey = createHmac('sha256', config.auth.refreshSecret)
      .update('monay:account-security')
      .digest();
    this.stepUpKey = createHmac('sha256', config.auth.accessSecret).update('monay:step-up-tokens').digest();
  }

  /** How a secret (a code, a token) is stored: bound to what it is for, so a value from one use fits no other. */
  hash(purpose: string, value: string): string {
    return createHmac('sha256', this.storageKey).update(`${purpose}\n${value}`).digest('base64url');
  }

  sign(payload: string): string {
    return createHmac('sha256', this.stepUpKey).update(payload).digest('base64url');
  }

  verifySignature(payload: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** A 6-digit one-time code, uniform over 000000–999999. */
  newCode(): string {
    return randomInt(0, 1_000_000).toString().padStart(6, '0');
  }

  /** An opaque token (a link's, a challenge's): 32 random bytes. */
  newToken(): string {
    return randomBytes(32).toString('base64url');
  }

  /** A recovery code: 10 characters of an alphabet without look-alikes (about 50 bits), shown as xxxxx-xxxxx. */
  newRecoveryCode(): string {
    const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
    let code = '';
    for (let i = 0; i < 10; i += 1) code += alphabet[randomInt(0, alphabet.length)];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  }
}

/** A recovery code as typed: case, spaces and the dash do not matter. */
export function normalizeRecoveryCode(input: string): string {
  const compact = input.toLowerCase().replace(/[\s-]/g, '');
  return compact.length === 10 ? `${compact.slice(0, 5)}-${compact.slice(5)}` : compact;
}
