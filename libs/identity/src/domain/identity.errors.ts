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
