import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { AppConfig } from '#monay/shared';
import { TotpAuthenticator } from './totp-authenticator';

const totp = new TotpAuthenticator({ security: { totpEncryptionKey: randomBytes(32) } } as AppConfig);
const at = new Date('2026-06-01T12:00:10Z');
const codeAt = (secret: string, date: Date) => generate({ secret, epoch: Math.floor(date.getTime() / 1000) });

describe('TotpAuthenticator', () => {
  it('keeps secrets encrypted (AES-256-GCM), readable only for the user they belong to and untampered', async () => {
    const { secret } = await totp.enrol('alice@example.com');
    const stored = totp.encrypt(secret, 'user-a');
    expect(stored).not.toContain(secret);
    expect(totp.encrypt(secret, 'user-a')).not.toBe(stored); // a fresh IV each time
    expect(totp.decrypt(stored, 'user-a')).toBe(secret);
    expect(() => totp.decrypt(stored, 'user-b')).toThrow();
    const [format, iv, tag, body] = stored.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() =>
      totp.decrypt([format, iv, tag, flipped.toString('base64url')].join('.'), 'user-a'),
    ).toThrow();
    const other = new TotpAuthenticator({ security: { totpEncryptionKey: randomBytes(32) } } as AppConfig);
    expect(() => other.decrypt(stored, 'user-a')).toThrow();
  });

  it('accepts the code of this 30-second step and of the steps either side, not two steps off', async () => {
    const { secret } = await totp.enrol('alice@example.com');
    for (const shift of [-30_000, 0, 30_000]) {
      const check = await totp.check(secret, await codeAt(secret, new Date(at.getTime() + shift)), at, null);
      expect(check.valid).toBe(true);
    }
    for (const shift of [-60_000, 60_000]) {
      const check = await totp.check(secret, await codeAt(secret, new Date(at.getTime() + shift)), at, null);
      expect(check).toEqual({ valid: false });
    }
  });

  it('refuses a code whose step is not after the last one accepted (a replay)', async () => {
    const { secret } = await totp.enrol('alice@example.com');
    const code = await codeAt(secret, at);
    const first = await totp.check(secret, code, at, null);
    expect(first).toEqual({ valid: true, timeStep: Math.floor(at.getTime() / 30_000) });
    if (!first.valid) return;
    expect(await totp.check(secret, code, at, first.timeStep)).toEqual({ valid: false });
    const next = await codeAt(secret, new Date(at.getTime() + 30_000));
    expect(await totp.check(secret, next, at, first.timeStep)).toEqual({
      valid: true,
      timeStep: first.timeStep + 1,
    });
  });

  it('makes an otpauth URI and QR codes an authenticator app reads', async () => {
    const enrolment = await totp.enrol('alice@example.com');
    expect(enrolment.otpauthUri).toBe(
      `otpauth://totp/Monay%20Wallet:alice%40example.com?secret=${enrolment.secret}&issuer=Monay%20Wallet`,
    );
    expect(enrolment.qrCodePng.startsWith('data:image/png;base64,')).toBe(true);
    expect(enrolment.qrCodeSvg.startsWith('<svg')).toBe(true);
  });
});
