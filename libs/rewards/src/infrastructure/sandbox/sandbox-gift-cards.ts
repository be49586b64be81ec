import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { AppConfig } from '#monay/shared';
import type { GiftCardPartner } from '../../application/gift-card-partner.port';

const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * The sandbox gift card partner: codes derived from the redemption (an HMAC under a key of ours), so issuing is
 * idempotent as a real partner's order id makes it, and a code looks like a partner's (`COFFEE-7KQ2-M9TX-...`).
 */
@Injectable()
export class SandboxGiftCards implements GiftCardPartner {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = createHmac('sha256', config.auth.accessSecret).update('rewards:gift-cards').digest();
  }

  issue(partner: string, redemptionId: string, quantity: number): Promise<string[]> {
    const prefix = partner.replace(/^sandbox-/, '').toUpperCase();
    const codes = Array.from({ length: quantity }, (_, index) => {
      const digest = createHmac('sha256', this.key).update(`${partner}:${redemptionId}:${index}`).digest();
      const chars = [...digest.subarray(0, 12)]
        .map((byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length])
        .join('');
      return `${prefix}-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
    });
    return Promise.resolve(codes);
  }
}
