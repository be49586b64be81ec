import { simpleParser } from 'mailparser';
import { composeEmail } from './mime';

const MAIL = {
  from: 'Monay <no-reply@monay.local>',
  to: 'ana@example.com',
  subject: 'You received 12.50 USDC',
  text: 'Bob sent you 12.50 USDC.\n\n—\nChange which notifications you receive under Settings → Notifications.',
  html: '<!doctype html><html><body><h1>You received 12.50 USDC</h1><p>Bob → you</p></body></html>',
  headers: {
    'X-Monay-Kind': 'transfer_received',
    'X-Monay-Notification': '0193a6f2-5b7c-7d1e-8f90-1a2b3c4d5e6f',
    'List-Unsubscribe': `<https://monay.example/api/notifications/unsubscribe?token=${'t'.repeat(80)}>, <mailto:unsubscribe+${'t'.repeat(40)}@monay.local>`,
  },
};

describe('composeEmail (notification emails as MIME)', () => {
  it('writes a 7-bit multipart/alternative message that a mail parser reads back as it was given', async () => {
    const composed = composeEmail(MAIL, new Date('2026-12-06T17:20:05Z'))!;
    expect(composed.envelope).toEqual({ from: 'no-reply@monay.local', to: ['ana@example.com'] });
    expect(composed.messageId).toMatch(/^<[0-9a-f-]{36}@monay\.local>$/);
    for (const line of composed.raw.split('\r\n')) {
      expect(line).toMatch(/^[\x20-\x7e]*$/);
      // RFC 5322: at most 998; 78 where a line can be folded at a space (not inside the long unsubscribe link).
      expect(line.length).toBeLessThanOrEqual(line.includes('https://') ? 998 : 78);
    }
    expect(composed.raw).toContain(',\r\n <mailto:unsubscribe+');
    expect(composed.raw.replace(/\r\n/g, '')).not.toContain('\n');
    // The text part in canonical form (RFC 2046): its lines end in CRLF once decoded.
    const textPart = /Content-Type: text\/plain[^]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(
      composed.raw,
    )![1];
    const decoded = Buffer.from(textPart.replace(/\r\n/g, ''), 'base64').toString('utf8');
    expect(decoded).toBe(MAIL.text.replace(/\n/g, '\r\n'));

    const parsed = await simpleParser(composed.raw);
    expect(parsed.from?.value).toEqual([{ name: 'Monay', address: 'no-reply@monay.local' }]);
    expect(parsed.to).toMatchObject({ value: [{ address: 'ana@example.com' }] });
    expect(parsed.subject).toBe(MAIL.subject);
    expect(parsed.messageId).toBe(composed.messageId);
    expect(parsed.date?.toISOString()).toBe('2026-12-06T17:20:05.000Z');
    expect(parsed.text).toBe(MAIL.text);
    expect(parsed.html).toBe(MAIL.html);
    expect(parsed.headers.get('x-monay-kind')).toBe('transfer_received');
    expect(parsed.headers.get('x-monay-notification')).toBe(MAIL.headers['X-Monay-Notification']);
    expect(parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line.replace(/\r\n /g, ' ')).toBe(
      `List-Unsubscribe: ${MAIL.headers['List-Unsubscribe']}`,
    );
  });

  it('encodes a subject that is not ASCII as encoded words of at most 75 characters, never splitting a character', async () => {
    const subject = 'Recibiste 12,50 € de José Ñúñez — ¡gracias! 🎉 '.repeat(3).trim();
    const composed = composeEmail({ ...MAIL, subject })!;
    const header = /^Subject: (.*(?:\r\n .*)*)$/m.exec(composed.raw)![1];
    for (const word of header.split('\r\n ')) {
      expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(word.length).toBeLessThanOrEqual(75);
      const bytes = Buffer.from(word.slice(10, -2), 'base64');
      expect(bytes.toString('utf8')).not.toContain('\uFFFD');
    }
    expect((await simpleParser(composed.raw)).subject).toBe(subject);
  });

  it('keeps a subject that only looks encoded as text', async () => {
    const subject = 'Code =?UTF-8?B?SGk=?= is not a word';
    const { raw } = composeEmail({ ...MAIL, subject })!;
    expect(raw).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect((await simpleParser(raw)).subject).toBe(subject);
  });

  it('writes display names as words, quoted or encoded', async () => {
    const from = async (value: string) =>
      (await simpleParser(composeEmail({ ...MAIL, from: value })!.raw)).from?.value;
    expect(await from('no-reply@monay.local')).toEqual([{ name: '', address: 'no-reply@monay.local' }]);
    expect(await from('"Monay, Inc." <no-reply@monay.local>')).toEqual([
      { name: 'Monay, Inc.', address: 'no-reply@monay.local' },
    ]);
    expect(await from('Monay Café <no-reply@monay.local>')).toEqual([
      { name: 'Monay Café', address: 'no-reply@monay.local' },
    ]);
  });

  it('leaves to nodemailer what it does not write: non-ASCII addresses and header values, other From forms', () => {
    expect(composeEmail({ ...MAIL, to: 'josé@example.com' })).toBeNull();
    expect(composeEmail({ ...MAIL, headers: { 'X-Note': 'café' } })).toBeNull();
    expect(composeEmail({ ...MAIL, from: 'a@x.example, b@y.example' })).toBeNull();
    expect(composeEmail({ ...MAIL, html: undefined })!.raw).not.toContain('text/html');
  });
});
