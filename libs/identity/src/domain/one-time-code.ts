/** What a one-time code proves when it is typed back. */
export type CodePurpose = 'email_verification' | 'phone_verification' | 'password_reset' | 'step_up';

/** 6 digits, 10 minutes, 5 tries: the rules of every one-time code we send. */
export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;

export interface StoredCode {
  id: string;
  /** Null for a password reset asked for an email no account has (see the password reset). */
  userId: string | null;
  purpose: CodePurpose;
  channel: 'email' | 'sms';
  /** Where it was sent: an email address or an E.164 phone number. */
  destination: string;
  codeHash: string;
  attempts: number;
  maxAttempts: number;
  expiresAt: Date;
  createdAt: Date;
}

/** What checking a typed code against the stored one comes to. */
export type CodeVerdict =
  | { outcome: 'accepted' }
  | { outcome: 'wrong'; attemptsLeft: number; locksNow: boolean }
  | { outcome: 'expired' }
  | { outcome: 'locked' };

/**
 * The rules, in order: a code past its expiry (the application clock) is dead whatever was typed; a code that has
 * had its five tries is dead; then the typed code either matches, or uses up one try (the fifth wrong one closes it).
 */
export function judgeCode(code: StoredCode, matches: boolean, now: Date): CodeVerdict {
  if (code.expiresAt.getTime() <= now.getTime()) return { outcome: 'expired' };
  if (code.attempts >= code.maxAttempts) return { outcome: 'locked' };
  if (matches) return { outcome: 'accepted' };
  const attemptsLeft = code.maxAttempts - code.attempts - 1;
  return { outcome: 'wrong', attemptsLeft, locksNow: attemptsLeft === 0 };
}
