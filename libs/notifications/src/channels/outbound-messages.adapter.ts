import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, type OutboundMessage, type OutboundMessages } from '#monay/shared';
import { MessageNotSentError } from '../notifications.errors';
import { escapeHtml } from '../templates/email-layout';
import { EmailChannel } from './email.channel';
import { TwilioSandbox } from './twilio-sandbox';

/** The sandbox's sender number (Twilio's test From). */
const FROM = '+15005550006';

/**
 * The real channels behind {@link OutboundMessages} (bound to OUTBOUND_MESSAGES): one-time codes from account
 * security go out by email over SMTP and by SMS through the SMS vendor, at once. Outside production the dev meta
 * rides along (an email header the embedded SMTP server files; the SMS sandbox's record), so the dev mailbox still
 * shows the purpose and the code beside the message.
 */
@Injectable()
export class OutboundMessagesAdapter implements OutboundMessages {
  private readonly logger = new Logger('OutboundMessages');

  constructor(
    private readonly config: AppConfig,
    private readonly email: EmailChannel,
    private readonly twilio: TwilioSandbox,
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    try {
      await this.sendNow(message);
    } catch (error) {
      this.logger.error(`${message.channel} to ${message.to} not sent: ${(error as Error).message}`);
      throw new MessageNotSentError(message.channel === 'email' ? 'email' : 'SMS');
    }
    this.logger.log(`${message.channel} to ${message.to}: ${message.subject ?? 'a code'} sent`);
  }

  private async sendNow(message: OutboundMessage): Promise<void> {
    const devMeta = this.config.isProduction ? {} : message.devMeta;
    if (message.channel === 'email') {
      const subject = message.subject ?? 'Monay';
      await this.email.deliver({
        to: message.to,
        subject,
        text: message.text,
        html: `<!doctype html><html><body style="font-family:system-ui,sans-serif"><p>${escapeHtml(message.text)}</p></body></html>`,
        headers: this.config.isProduction
          ? {}
          : { 'X-Monay-Dev-Meta': Buffer.from(JSON.stringify(devMeta)).toString('base64url') },
      });
    } else {
      await this.twilio.createMessage({ To: message.to, From: FROM, Body: message.text }, devMeta);
    }
  }
}
