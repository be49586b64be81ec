import { WeakPasswordError } from './identity.errors';

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 256;

/** Emails compare case-insensitively and without surrounding space. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Phone numbers are kept in E.164 form: `+` and digits only. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[\s().-]/g, '');
  return digits.startsWith('+') ? digits : `+${digits}`;
}

export function assertPasswordPolicy(password: string, email: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new WeakPasswordError(`use at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new WeakPasswordError(`use at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  if (new Set(password).size < 4) {
    throw new WeakPasswordError('use more than three different characters');
  }
  if (password.toLowerCase() === normalizeEmail(email)) {
    throw new WeakPasswordError('do not use your email as your password');
  }
}
