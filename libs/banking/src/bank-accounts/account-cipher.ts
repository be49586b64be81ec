import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { AppConfig } from '#monay/shared';

/**
 * Bank account numbers at rest: AES-256-GCM under `BANK_ACCOUNT_ENCRYPTION_KEY` (`v1.<iv>.<tag>.<ciphertext>`,
 * base64url), and a keyed fingerprint of routing + account that finds the same account linked twice without
 * decrypting anything.
 */
@Injectable()
export class AccountCipher {
  constructor(private readonly config: AppConfig) {}

  seal(accountNumber: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.config.bank.accountKey, iv);
    const data = Buffer.concat([cipher.update(accountNumber, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1') throw new Error('Unknown sealed account number version');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.config.bank.accountKey,
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  fingerprint(routingNumber: string, accountNumber: string): string {
    return createHmac('sha256', this.config.bank.accountKey)
      .update(`bank-account:${routingNumber}:${accountNumber}`)
      .digest('base64url');
  }
}
