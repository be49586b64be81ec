import { DomainError } from '#monay/kernel';

export class EmailTakenError extends DomainError {
  readonly code = 'EMAIL_TAKEN';
  readonly kind = 'conflict';
  constructor() {
    super('An account with this email already exists');
  }
}

export class PhoneTakenError extends DomainError {
  readonly code = 'PHONE_TAKEN';
  readonly kind = 'conflict';
  constructor() {
    super('An account with this phone number already exists');
  }
}

export class WeakPasswordError extends DomainError {
  readonly code = 'WEAK_PASSWORD';
  readonly kind = 'invalid';
  constructor(reason: string) {
    super(`Password too weak: ${reason}`, { field: 'password' });
  }
}

export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  readonly kind = 'unauthenticated';
  constructor() {
    super('Email or password is incorrect');
  }
}

export class InvalidRefreshTokenError extends DomainError {
  readonly code = 'INVALID_REFRESH_TOKEN';
  readonly kind = 'unauthenticated';
  constructor() {
    super('The refresh token is invalid, expired or revoked');
  }
}

export class RefreshTokenReusedError extends DomainError {
  readonly code = 'REFRESH_TOKEN_REUSED';
  readonly kind = 'unauthenticated';
  constructor() {
    super('This refresh token was already used; the session has been revoked, sign in again');
  }
}

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
