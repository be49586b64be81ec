import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures (t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">)', () => {
  const secret = 'whsec_0123456789abcdef0123456789abcdef';
  const body = JSON.stringify({ id: 'evt_1', type: 'transaction.updated', data: { status: 'completed' } });
  const t = 1_763_800_000;

  it('signs as HMAC-SHA256 over "<t>.<raw body>" in hex', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it('accepts its own signature, from a string or from the raw bytes', () => {
    const header = signWebhook(secret, body, t);
    expect(verifyWebhook(secret, body, header, t)).toBe(true);
    expect(verifyWebhook(secret, Buffer.from(body), header, t + 10)).toBe(true);
    expect(verifyWebhook(secret, body, signWebhook(secret, Buffer.from(body), t), t)).toBe(true);
  });

  it('refuses a tampered body, even by one character or re-serialised JSON', () => {
    const header = signWebhook(secret, body, t);
    expect(verifyWebhook(secret, body.replace('completed', 'failed'), header, t)).toBe(false);
    expect(verifyWebhook(secret, `${body} `, header, t)).toBe(false);
    expect(verifyWebhook(secret, JSON.stringify(JSON.parse(body), null, 2), header, t)).toBe(false);
  });

  it('refuses a signature made with another secret', () => {
    const header = signWebhook('another-secret-another-secret-xx', body, t);
    expect(verifyWebhook(secret, body, header, t)).toBe(false);
  });

  it('refuses a timestamp outside the tolerance either way, accepts one at its edge', () => {
    const header = signWebhook(secret, body, t);
    expect(verifyWebhook(secret, body, header, t + 300)).toBe(true);
    expect(verifyWebhook(secret, body, header, t - 300)).toBe(true);
    expect(verifyWebhook(secret, body, header, t + 301)).toBe(false);
    expect(verifyWebhook(secret, body, header, t - 301)).toBe(false);
    expect(verifyWebhook(secret, body, header, t + 30, 10)).toBe(false);
  });

  it('refuses a valid signature moved to another timestamp (the timestamp is signed)', () => {
    const v1 = signWebhook(secret, body, t).split(',v1=')[1];
    expect(verifyWebhook(secret, body, `t=${t + 1},v1=${v1}`, t)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['no timestamp', 'v1=' + 'a'.repeat(64)],
    ['no signature', `t=${t}`],
    ['short hex', `t=${t},v1=abc`],
    ['uppercase/non-hex', `t=${t},v1=${'Z'.repeat(64)}`],
    ['non-numeric timestamp', `t=soon,v1=${'a'.repeat(64)}`],
    ['negative timestamp', `t=-5,v1=${'a'.repeat(64)}`],
    ['two timestamps', `t=${t},t=${t},v1=${'a'.repeat(64)}`],
    ['garbage', 'Bearer abc'],
    ['huge', `t=${t},v1=${'a'.repeat(2000)}`],
  ])('refuses a malformed header (%s) without throwing', (_label, header) => {
    expect(verifyWebhook(secret, body, header, t)).toBe(false);
  });

  it('accepts when any of several v1 signatures matches (secret rotation), ignores unknown schemes', () => {
    const good = signWebhook(secret, body, t).split(',v1=')[1];
    const header = `t=${t},v0=whatever,v1=${'0'.repeat(64)},v1=${good}`;
    expect(verifyWebhook(secret, body, header, t)).toBe(true);
  });

  it('refuses a timestamp that is not a non-negative integer when signing', () => {
    expect(() => signWebhook(secret, body, 1.5)).toThrow(RangeError);
    expect(() => signWebhook(secret, body, -1)).toThrow(RangeError);
  });
});
