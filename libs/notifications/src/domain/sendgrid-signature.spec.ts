import { generateKeyPairSync } from 'node:crypto';
import {
  isValidSendgridSignature,
  sandboxSigningKey,
  sendgridVerificationKey,
  signSendgridEvents,
} from './sendgrid-signature';

describe('SendGrid event webhook signature', () => {
  const body = Buffer.from('[{"email":"a@example.com","event":"delivered","sg_event_id":"e1"}]');
  const now = 1_800_000_000;
  const timestamp = String(now);

  it('verifies a signature made with the derived key, and only over the same timestamp and body', () => {
    const { privateKey, verificationKey: shown } = sandboxSigningKey('x'.repeat(43));
    const verificationKey = sendgridVerificationKey(shown);
    const signature = signSendgridEvents(privateKey, timestamp, body);
    expect(isValidSendgridSignature(verificationKey, timestamp, body, signature, now)).toBe(true);
    expect(isValidSendgridSignature(verificationKey, String(now + 1), body, signature, now)).toBe(false);
    const tampered = Buffer.from(body.toString().replace('delivered', 'bounce'));
    expect(isValidSendgridSignature(verificationKey, timestamp, tampered, signature, now)).toBe(false);
    expect(isValidSendgridSignature(verificationKey, timestamp, body, undefined, now)).toBe(false);
    expect(isValidSendgridSignature(verificationKey, timestamp, body, 'not-base64-der', now)).toBe(false);
  });

  it('refuses a timestamp more than five minutes away (a replay) and a key that is not the signer’s', () => {
    const { privateKey, verificationKey: shown } = sandboxSigningKey('y'.repeat(43));
    const verificationKey = sendgridVerificationKey(shown);
    const old = String(now - 301);
    expect(
      isValidSendgridSignature(verificationKey, old, body, signSendgridEvents(privateKey, old, body), now),
    ).toBe(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const otherKey = sendgridVerificationKey(
      other.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    );
    const signature = signSendgridEvents(privateKey, timestamp, body);
    expect(isValidSendgridSignature(otherKey, timestamp, body, signature, now)).toBe(false);
    expect(sendgridVerificationKey('garbage')).toBeNull();
    expect(isValidSendgridSignature(null, timestamp, body, signature, now)).toBe(false);
  });

  it('derives the same pair from the same secret and another from another', () => {
    expect(sandboxSigningKey('s'.repeat(43)).verificationKey).toBe(
      sandboxSigningKey('s'.repeat(43)).verificationKey,
    );
    expect(sandboxSigningKey('s'.repeat(43)).verificationKey).not.toBe(
      sandboxSigningKey('t'.repeat(43)).verificationKey,
    );
  });
});
