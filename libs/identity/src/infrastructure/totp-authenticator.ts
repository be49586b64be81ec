import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { AppConfig } from '#monay/shared';

const ISSUER = 'Monay Wallet';
/** RFC 6238 as authenticator apps implement it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
/** ±1 step of clock drift between the phone and us. */
const TOLERANCE_SECONDS = PERIOD_SECONDS;
const CIPHER = 'aes-256-gcm';
const FORMAT = 'v1';

export interface TotpEnrolment {
  /** Base32, for typing into an app by hand. */
  secret: string;
  otpauthUri: string;
  /** The URI as a QR code: a PNG data URL, and the same as SVG markup. */
  qrCodePng: string;
  qrCodeSvg: string;
}

export type TotpCheck = { valid: true; timeStep: number } | { valid: false };

/**
 * TOTP (RFC 6238) with otplib, and the secret's encryption at rest: AES-256-GCM under TOTP_ENCRYPTION_KEY, a fresh
 * 96-bit IV per secret, the user's id as additional data (a ciphertext copied onto another user's row does not
 * decrypt). Stored as `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
@Injectable()
export class TotpAuthenticator {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = config.security.totpEncryptionKey;
  }

  async enrol(accountName: string): Promise<TotpEnrolment> {
    const secret = generateSecret({ length: 20 });
    const otpauthUri = generateURI({ issuer: ISSUER, label: accountName, secret, period: PERIOD_SECONDS });
    const [qrCodePng, qrCodeSvg] = await Promise.all([
      QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }),
      QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    ]);
    return { secret, otpauthUri, qrCodePng, qrCodeSvg };
  }

  /**
   * Whether `code` is the secret's code at `now` (±1 step), for a time step after `afterTimeStep` (the last one
   * accepted: a code is accepted once). Returns the matched step, which the caller stores.
   */
  async check(secret: string, code: string, now: Date, afterTimeStep: number | null): Promise<TotpCheck> {
    if (!/^\d{6}$/.test(code)) return { valid: false };
    const result = await verify({
      secret,
      token: code,
      period: PERIOD_SECONDS,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: TOLERANCE_SECONDS,
      ...(afterTimeStep !== null && { afterTimeStep }),
    });
    return result.valid && 'timeStep' in result
      ? { valid: true, timeStep: result.timeStep }
      : { valid: false };
  }

  encrypt(secret: string, userId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(CIPHER, this.key, iv);
    cipher.setAAD(Buffer.from(`totp:${userId}`));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [FORMAT, ...parts].join('.');
  }

  decrypt(stored: string, userId: string): string {
    const [format, iv, tag, ciphertext] = stored.split('.');
    if (format !== FORMAT || !iv || !tag || ciphertext === undefined) {
      throw new Error('Unreadable TOTP secret: unknown format');
    }
    const decipher = createDecipheriv(CIPHER, this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`totp:${userId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
