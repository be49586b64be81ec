import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppConfig } from '#monay/shared';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * PAN and CVV at rest: AES-256-GCM with the key from configuration (`CARD_DATA_ENCRYPTION_KEY`), a fresh IV per
 * value, and the card's id as additional data (a sealed PAN moved to another card's row does not open).
 * Stored as iv ‖ tag ‖ ciphertext.
 */
@Injectable()
export class CardCipher {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = config.cards.dataKey;
  }

  seal(cardId: string, plain: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(cardId));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(cardId: string, sealed: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(cardId));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  }
}
