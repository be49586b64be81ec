import type { CodePurpose } from '../../domain/one-time-code';

/** A one-time code to deliver to an email address or a phone. */
export interface VerificationMessage {
  channel: 'email' | 'sms';
  /** An email address, or a phone number in E.164 form. */
  to: string;
  purpose: CodePurpose;
  /** 6 digits. */
  code: string;
  /** For an emailed verification: a token the app's link carries instead of the code. */
  linkToken?: string;
  expiresAt: Date;
}

/**
 * How one-time codes leave the system. Until the notifications context has its email and SMS channels, the only
 * adapter is the development one (DevelopmentVerificationSender: the log and the dev mailbox); the notifications
 * engineer binds a real one to {@link VERIFICATION_SENDER}.
 */
export interface VerificationSender {
  send(message: VerificationMessage): Promise<void>;
}

export const VERIFICATION_SENDER = Symbol('VERIFICATION_SENDER');
