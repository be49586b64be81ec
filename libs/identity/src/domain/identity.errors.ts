import { DomainError } from '#monay/kernel';

/** An account with that email exists already. */
export class EmailTakenError extends DomainError {
  readonly code = 'EMAIL_TAKEN';
  readonly kind = 'conflict';
  constructor() {
    super('An account with this email already exists');
  }
}

/** An account with that phone number exists already. */
export class PhoneTakenError extends DomainError {
  readonly code = 'PHONE_TAKEN';
  readonly kind = 'conflict';
  constructor() {
    super('An account with this phone number already exists');
  }
}

/** The password is too short or too common. */
export class WeakPasswordError extends DomainError {
  readonly code = 'WEAK_PASSWORD';
  readonly kind = 'invalid';
  constructor(reason: string) {
    super(`Password too weak: ${reason}`, { field: 'password' });
  }
}

/** The email and password do not match an account (the same answer for an unknown email). */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  readonly kind = 'unauthenticated';
  constructor() {
    super('Email or password is incorrect');
  }
}

/** The refresh token is unknown, expired or revoked: sign in again. */
export class InvalidRefreshTokenError extends DomainError {
  readonly code = 'INVALID_REFRESH_TOKEN';
  readonly kind = 'unauthenticated';
  constructor() {
    super('The refresh token is invalid, expired or revoked');
  }
}

/** A refresh token was used twice: its whole family of sessions is revoked, as a stolen token would be. */
export class RefreshTokenReusedError extends DomainError {
  readonly code = 'REFRESH_TOKEN_REUSED';
  readonly kind = 'unauthenticated';
  constructor() {
    super('This refresh token was already used; the session has been revoked, sign in again');
  }
}

/** The access token is malformed, signed with another key, revoked (`INVALID_TOKEN`) or past its expiry (`TOKEN_EXPIRED`). */
export class InvalidTokenError extends DomainError {
  readonly code: 'INVALID_TOKEN' | 'TOKEN_EXPIRED';
  readonly kind = 'unauthenticated';
  constructor(expired = false) {
    super(expired ? 'The access token has expired' : 'A valid access token is required');
    this.code = expired ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN';
  }
}

export class UserNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('User not found');
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly kind = 'forbidden';
  constructor() {
    super('You are not allowed to do this');
  }
}

/** The current password given to confirm a security change (new password, disabling 2FA) is wrong. */
export class InvalidPasswordError extends DomainError {
  readonly code = 'INVALID_PASSWORD';
  readonly kind = 'unauthenticated';
  constructor() {
    super('The password is incorrect', { field: 'password' });
  }
}

/** No session of the caller's has that id (another user's, an unknown or a malformed id alike). */
export class SessionNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Session not found');
  }
}

/**
 * Too many attempts in a short time: verification codes sent (a new one may be sent once a minute), or second-factor
 * codes tried on one account. 429 with Retry-After.
 */
export class TooManyAttemptsError extends DomainError {
  readonly code = 'RATE_LIMITED';
  readonly kind = 'rate_limited';
  override readonly retryAfterSeconds: number;
  constructor(what: string, retryAfterSeconds: number) {
    super(`Too many ${what}; try again in ${Math.max(1, Math.ceil(retryAfterSeconds))} s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The one-time code is wrong. `attemptsLeft` says how many more tries the code allows. */
export class InvalidVerificationCodeError extends DomainError {
  readonly code = 'INVALID_VERIFICATION_CODE';
  readonly kind = 'invalid';
  constructor(attemptsLeft: number) {
    super('The code is not the one we sent', { field: 'code', attemptsLeft });
  }
}

/** The one-time code was sent more than 10 minutes ago: ask for a new one. */
export class VerificationCodeExpiredError extends DomainError {
  readonly code = 'VERIFICATION_CODE_EXPIRED';
  readonly kind = 'invalid';
  constructor() {
    super('The code has expired: ask for a new one', { field: 'code' });
  }
}

/** Five wrong tries used the one-time code up: ask for a new one. */
export class VerificationCodeLockedError extends DomainError {
  readonly code = 'VERIFICATION_CODE_LOCKED';
  readonly kind = 'invalid';
  constructor() {
    super('Too many wrong codes: this code no longer works, ask for a new one', { field: 'code' });
  }
}

/** There is no code to check: ask for one first (`…/verify-request`, `/auth/step-up/request`). */
export class VerificationNotRequestedError extends DomainError {
  readonly code = 'VERIFICATION_NOT_REQUESTED';
  readonly kind = 'conflict';
  constructor() {
    super('No code is waiting for this: ask for one first');
  }
}

/** The email (`EMAIL_ALREADY_VERIFIED`) or phone number (`PHONE_ALREADY_VERIFIED`) is verified already. */
export class AlreadyVerifiedError extends DomainError {
  readonly code: 'EMAIL_ALREADY_VERIFIED' | 'PHONE_ALREADY_VERIFIED';
  readonly kind = 'conflict';
  constructor(what: 'email' | 'phone') {
    super(
      what === 'email' ? 'The email address is verified already' : 'The phone number is verified already',
    );
    this.code = what === 'email' ? 'EMAIL_ALREADY_VERIFIED' : 'PHONE_ALREADY_VERIFIED';
  }
}

/** The account has no phone number to verify: send `phone`. */
export class PhoneNumberRequiredError extends DomainError {
  readonly code = 'PHONE_NUMBER_REQUIRED';
  readonly kind = 'invalid';
  constructor() {
    super('The account has no phone number: send the number to verify as `phone`', { field: 'phone' });
  }
}

/** Two-factor authentication is on already: disable it first to enrol another authenticator. */
export class TwoFactorAlreadyEnabledError extends DomainError {
  readonly code = 'TWO_FACTOR_ALREADY_ENABLED';
  readonly kind = 'conflict';
  constructor() {
    super('Two-factor authentication is already enabled');
  }
}

/** No authenticator enrolment is waiting to be confirmed: call `POST /api/auth/2fa/setup` first. */
export class TwoFactorNotSetUpError extends DomainError {
  readonly code = 'TWO_FACTOR_NOT_SET_UP';
  readonly kind = 'conflict';
  constructor() {
    super('Set up two-factor authentication first (POST /api/auth/2fa/setup)');
  }
}

/** Two-factor authentication is not on for this account. */
export class TwoFactorNotEnabledError extends DomainError {
  readonly code = 'TWO_FACTOR_NOT_ENABLED';
  readonly kind = 'conflict';
  constructor() {
    super('Two-factor authentication is not enabled');
  }
}

/**
 * The authenticator code or recovery code is wrong, was already used (a TOTP code is accepted once), or is out
 * of the ±30 s window. `attemptsLeft`, on a sign-in challenge, says how many more tries it allows.
 */
export class InvalidTwoFactorCodeError extends DomainError {
  readonly code = 'INVALID_TWO_FACTOR_CODE';
  readonly kind = 'unauthenticated';
  constructor(attemptsLeft?: number) {
    super(
      'The two-factor code is wrong or was already used',
      attemptsLeft === undefined ? { field: 'code' } : { field: 'code', attemptsLeft },
    );
  }
}

/** The `mfaToken` is unknown, expired (5 minutes) or already used: sign in again. */
export class MfaChallengeInvalidError extends DomainError {
  readonly code = 'MFA_CHALLENGE_INVALID';
  readonly kind = 'unauthenticated';
  constructor() {
    super('The sign-in challenge is invalid or has expired: sign in again');
  }
}

/** Five wrong codes locked this sign-in challenge: sign in again (with the password) for a new one. */
export class MfaChallengeLockedError extends DomainError {
  readonly code = 'MFA_CHALLENGE_LOCKED';
  readonly kind = 'unauthenticated';
  constructor() {
    super('Too many wrong codes: this sign-in is locked, sign in again');
  }
}

/**
 * This money move (or security change) needs a fresh second factor. `details.methods` lists how to give one
 * (`totp`, `recovery_code`, `email_code`, `sms_code`): `POST /api/auth/step-up` returns a step-up token, then retry
 * the same request (the same Idempotency-Key) with `X-Step-Up-Token`. `details.reasons` says why
 * (`amount_above_threshold`, `new_recipient`, `new_destination`, `raise_limits`, …); an empty `methods` means
 * the account has no verified email or phone to send a code to: verify one first.
 */
export class StepUpRequiredError extends DomainError {
  readonly code = 'STEP_UP_REQUIRED';
  readonly kind = 'forbidden';
  constructor(methods: readonly string[], reasons: readonly string[], token?: 'invalid' | 'expired') {
    super(
      methods.length > 0
        ? 'Confirm this with a second factor (POST /api/auth/step-up), then retry with X-Step-Up-Token'
        : 'Confirm this with a code sent to a verified email or phone: verify one first',
      { methods: [...methods], reasons: [...reasons], ...(token && { stepUpToken: token }) },
    );
  }
}

/**
 * That way of stepping up is not open to this account: users with two-factor authentication confirm with their
 * authenticator (or a recovery code), others with a code sent to a verified email or phone.
 */
export class StepUpMethodUnavailableError extends DomainError {
  readonly code = 'STEP_UP_METHOD_UNAVAILABLE';
  readonly kind = 'conflict';
  constructor(reason: string) {
    super(reason);
  }
}

/** A request to an account-security route is malformed beyond what its fields say (e.g. both or neither of two). */
export class InvalidSecurityRequestError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly kind = 'invalid';
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`, { fields: [{ field, problems: [problem] }] });
  }
}
