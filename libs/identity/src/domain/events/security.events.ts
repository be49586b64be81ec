/**
 * What happened to the security of a user's account. The notifications context will turn each into an alert that
 * ignores quiet hours ("a new device signed in", "two-factor authentication was turned off"); the user lists them
 * with `GET /api/auth/security-events`.
 */
export type SecurityEventKind =
  | 'new_sign_in'
  | 'new_device'
  | '2fa_enabled'
  | '2fa_disabled'
  | 'recovery_code_used'
  | 'password_changed'
  | 'password_reset'
  | 'email_verified'
  | 'phone_verified'
  | 'session_revoked'
  | 'step_up';

export const SECURITY_EVENT_KINDS: readonly SecurityEventKind[] = [
  'new_sign_in',
  'new_device',
  '2fa_enabled',
  '2fa_disabled',
  'recovery_code_used',
  'password_changed',
  'password_reset',
  'email_verified',
  'phone_verified',
  'session_revoked',
  'step_up',
];

export const SecurityEventRecorded = 'SecurityEventRecorded' as const;

export interface SecurityEventRecordedPayload {
  userId: string;
  kind: SecurityEventKind;
  /** Where the change came from (the client's address and User-Agent), when it came over HTTP. */
  ip: string | null;
  userAgent: string | null;
  /** The device label of that User-Agent ("Chrome on macOS"). */
  device: string | null;
  /** ISO 8601, the application clock. */
  at: string;
  /** Kind-specific facts: the session id revoked, how many other sessions a password change ended, … */
  details: Record<string, string | number | boolean | null>;
}

export const SessionRevoked = 'SessionRevoked' as const;

/** A session ended before its time: its access tokens stop working, and its sockets are closed on every replica. */
export interface SessionRevokedPayload {
  sessionId: string;
  userId: string;
  reason: SessionRevocationReason;
  at: string;
}

export type SessionRevocationReason =
  'logout' | 'refresh_token_reused' | 'revoked_by_user' | 'password_changed' | 'password_reset';
