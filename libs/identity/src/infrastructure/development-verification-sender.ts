import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, DevMailbox } from '#monay/shared';
import type { CodePurpose } from '../domain/one-time-code';
import type {
  VerificationMessage,
  VerificationSender,
} from '../application/verification/verification-sender.port';

const WHAT: Record<CodePurpose, string> = {
  email_verification: 'verify your email address',
  phone_verification: 'verify your phone number',
  password_reset: 'reset your password',
  step_up: 'confirm a sensitive action',
};

/**
 * The development adapter of {@link VerificationSender}, as MailHog would catch mail: the message goes to the log
 * and to the dev mailbox (`GET /api/dev/mailbox?to=`). In production the log line says a code was sent, to whom
 * and why, never the code (and the dev mailbox records nothing there): until the notifications context binds a
 * real email/SMS channel, production cannot deliver codes, and the start-up log would say so.
 */
@Injectable()
export class DevelopmentVerificationSender implements VerificationSender {
  private readonly logger = new Logger('VerificationSender');
  private readonly production: boolean;

  constructor(
    config: AppConfig,
    private readonly mailbox: DevMailbox,
  ) {
    this.production = config.isProduction;
    if (this.production) {
      this.logger.warn(
        'No email or SMS channel is bound to VERIFICATION_SENDER: verification, reset and step-up codes are not delivered',
      );
    }
  }

  async send(message: VerificationMessage): Promise<void> {
    const minutes = Math.max(1, Math.round((message.expiresAt.getTime() - Date.now()) / 60_000));
    const subject = `Your Monay code to ${WHAT[message.purpose]}`;
    const link = message.linkToken ? `monay://verify-email?token=${message.linkToken}` : undefined;
    const text =
      `${message.code} is your Monay code to ${WHAT[message.purpose]}. It expires in ${minutes} minutes. ` +
      (link ? `Or open ${link} in the Monay app. ` : '') +
      'If you did not ask for it, ignore this message and consider changing your password.';
    const shown = this.production ? '[redacted]' : message.code;
    this.logger.log(
      `${message.channel} to ${message.to}: ${message.purpose} code ${shown} (expires ${message.expiresAt.toISOString()})`,
    );
    await this.mailbox.record({
      channel: message.channel,
      to: message.to,
      ...(message.channel === 'email' && { subject }),
      text,
      meta: {
        purpose: message.purpose,
        code: message.code,
        ...(message.linkToken && { linkToken: message.linkToken }),
        expiresAt: message.expiresAt.toISOString(),
      },
    });
  }
}
