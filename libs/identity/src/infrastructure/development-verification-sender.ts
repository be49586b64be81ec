import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig, DevMailbox, OUTBOUND_MESSAGES, type OutboundMessages } from '#monay/shared';
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
 * The adapter of {@link VerificationSender}. When the notifications context binds the real channels
 * (OUTBOUND_MESSAGES: email over SMTP, SMS through the SMS vendor) the code goes through them — and, outside
 * production, the embedded SMTP server and the SMS sandbox file it in the dev mailbox with its purpose and code.
 * Without them (a process that does not load notifications) it is the development adapter, as MailHog would catch
 * mail: the log and the dev mailbox (`GET /api/dev/mailbox?to=`). The log never shows a code in production.
 */
@Injectable()
export class DevelopmentVerificationSender implements VerificationSender {
  private readonly logger = new Logger('VerificationSender');
  private readonly production: boolean;

  constructor(
    config: AppConfig,
    private readonly mailbox: DevMailbox,
    @Optional() @Inject(OUTBOUND_MESSAGES) private readonly channels?: OutboundMessages,
  ) {
    this.production = config.isProduction;
    if (this.production && !channels) {
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
    const meta = {
      purpose: message.purpose,
      code: message.code,
      ...(message.linkToken && { linkToken: message.linkToken }),
      expiresAt: message.expiresAt.toISOString(),
    };
    if (this.channels) {
      await this.channels.send({
        channel: message.channel,
        to: message.to,
        ...(message.channel === 'email' && { subject }),
        text,
        devMeta: meta,
      });
      return;
    }
    const shown = this.production ? '[redacted]' : message.code;
    this.logger.log(
      `${message.channel} to ${message.to}: ${message.purpose} code ${shown} (expires ${message.expiresAt.toISOString()})`,
    );
    await this.mailbox.record({
      channel: message.channel,
      to: message.to,
      ...(message.channel === 'email' && { subject }),
      text,
      meta,
    });
  }
}
