import { Injectable } from '@nestjs/common';
import type { ClaimedDelivery } from '../delivery/deliveries.repository';
import { DeliveryFailure, noRecipient, type ChannelSender, type SendReceipt } from './channel';
import { CallbackTarget } from './callback-target';
import type { Contact } from './recipients';
import { render } from '../templates/messages';
import type { NotificationKind } from '../domain/notification-kinds';
import { TwilioError, TwilioSandbox } from './twilio-sandbox';

/** The sender's number in the sandbox (Twilio's test From). */
const FROM = '+15005550006';

/** SMS through the Twilio-shaped vendor: the send is `sent` once accepted; status callbacks move it on. */
@Injectable()
export class SmsChannel implements ChannelSender {
  readonly channel = 'sms' as const;
  readonly callsBack = true;

  constructor(
    private readonly twilio: TwilioSandbox,
    private readonly callbacks: CallbackTarget,
  ) {}

  async send(delivery: ClaimedDelivery, contact: Contact | undefined): Promise<SendReceipt> {
    if (!contact) throw noRecipient();
    const { phone } = contact;
    if (!phone)
      throw new DeliveryFailure(
        'NO_VERIFIED_PHONE',
        'The user has no verified phone number',
        true,
        'suppressed',
      );
    const text = render(delivery.kind as NotificationKind, delivery.locale, delivery.data as never).sms;
    try {
      const message = await this.twilio.createMessage({
        To: phone,
        From: FROM,
        Body: text,
        StatusCallback: this.callbacks.twilioStatusUrl(),
      });
      return { vendorMessageId: message.sid, status: 'sent' };
    } catch (error) {
      if (!(error instanceof TwilioError)) throw error;
      // 4xx other than 429 will not change on a retry; 429 and 5xx may.
      const permanent = error.status < 500 && error.status !== 429;
      throw new DeliveryFailure(`TWILIO_${error.code}`, error.message, permanent);
    }
  }
}
