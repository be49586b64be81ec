import { Injectable } from '@nestjs/common';
import { AppConfig, OwnAddress } from '#monay/shared';

/**
 * Where the SMS sandbox posts its status callbacks (Twilio's `StatusCallback`) and the email sandbox its events
 * (SendGrid's event webhook): NOTIFICATION_WEBHOOK_URL when set, else this process's own address once it listens.
 * Unknown — a worker without the setting, or an app that never listens — means no callbacks: the delivery stays
 * `sent`.
 */
@Injectable()
export class CallbackTarget {
  constructor(
    private readonly config: AppConfig,
    private readonly own: OwnAddress,
  ) {}

  twilioStatusUrl(): string | undefined {
    const base = this.own.baseUrl(this.config.notifications.webhookUrl);
    return base === undefined ? undefined : `${base}/api/webhooks/notifications/twilio`;
  }

  sendgridEventsUrl(): string | undefined {
    const base = this.own.baseUrl(this.config.notifications.webhookUrl);
    return base === undefined ? undefined : `${base}/api/webhooks/notifications/sendgrid`;
  }
}
