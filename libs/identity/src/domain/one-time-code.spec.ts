import { CODE_MAX_ATTEMPTS, CODE_TTL_MS, judgeCode, type StoredCode } from './one-time-code';

const now = new Date('2026-03-01T12:00:00Z');
const code = (overrides: Partial<StoredCode> = {}): StoredCode => ({
  id: 'c',
  userId: 'u',
  purpose: 'email_verification',
  channel: 'email',
  destination: 'a@example.com',
  codeHash: 'h',
  attempts: 0,
  maxAttempts: CODE_MAX_ATTEMPTS,
  createdAt: now,
  expiresAt: new Date(now.getTime() + CODE_TTL_MS),
  ...overrides,
});

describe('judgeCode', () => {
  it('accepts the right code before its expiry', () => {
    expect(judgeCode(code(), true, now)).toEqual({ outcome: 'accepted' });
  });

  it('refuses any code, even the right one, from the moment it expires', () => {
    const at = new Date(now.getTime() + CODE_TTL_MS);
    expect(judgeCode(code(), true, at)).toEqual({ outcome: 'expired' });
  });

  it('counts wrong tries down and closes the code on the fifth', () => {
    expect(judgeCode(code(), false, now)).toEqual({ outcome: 'wrong', attemptsLeft: 4, locksNow: false });
    expect(judgeCode(code({ attempts: 4 }), false, now)).toEqual({
      outcome: 'wrong',
      attemptsLeft: 0,
      locksNow: true,
    });
    expect(judgeCode(code({ attempts: 5 }), true, now)).toEqual({ outcome: 'locked' });
  });
});
