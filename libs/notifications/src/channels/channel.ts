import type { DeliveryChannel } from '../domain/notification-kinds';
import type { ClaimedDelivery } from '../delivery/deliveries.repository';
import type { Contact } from './recipients';

/** What a vendor accepted: its message id, and how far the message got (SMS goes on through status callbacks). */
export interface SendReceipt {
  vendorMessageId: string | null;
  status: 'sent' | 'delivered';
}

/**
 * A vendor refused or could not take a message. `permanent`: trying again cannot help (an invalid number, a
 * token the push service no longer knows, no address at all), so the delivery ends `status`; otherwise the job is
 * retried with backoff and, when its attempts run out, dead-lettered.
 */
export class DeliveryFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly permanent: boolean,
    readonly status: 'failed' | 'suppressed' = 'failed',
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}

/** One outbound channel (email over SMTP, the SMS and push vendors). */
export interface ChannelSender {
  readonly channel: DeliveryChannel;
  /**
   * The vendor reports on a message later, by its id (SMS status callbacks): its id must be stored as soon as it
   * is sent, since a callback may come before the rest of a batch is sent.
   */
  readonly callsBack: boolean;
  /** `contact`: where the user can be reached (read for a whole batch at once); undefined if the user is gone. */
  send(delivery: ClaimedDelivery, contact: Contact | undefined): Promise<SendReceipt>;
  /** A vendor that takes many messages in one request (email through SendGrid): a receipt or a failure each. */
  sendMany?(
    batch: ReadonlyArray<{ delivery: ClaimedDelivery; contact: Contact | undefined }>,
  ): Promise<Array<SendReceipt | DeliveryFailure>>;
}

/** A delivery to a user the identity context does not know (any more): nothing to send it to. */
export function noRecipient(): DeliveryFailure {
  return new DeliveryFailure('NO_RECIPIENT', 'The user does not exist', true);
}
