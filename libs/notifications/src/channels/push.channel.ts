import { Injectable, Logger } from '@nestjs/common';
import type { ClaimedDelivery } from '../delivery/deliveries.repository';
import { DevicesRepository } from '../devices/devices.repository';
import { DeliveryFailure, type ChannelSender, type SendReceipt } from './channel';
import { FcmError, FcmSandbox } from './fcm-sandbox';

/** Errors that a later attempt may get past (FCM: retry QUOTA_EXCEEDED, UNAVAILABLE and INTERNAL with backoff). */
const TRANSIENT = new Set(['QUOTA_EXCEEDED', 'UNAVAILABLE', 'INTERNAL']);

/**
 * Push to every device the user registered, through the FCM-shaped vendor. A token FCM calls UNREGISTERED is
 * pruned. Sent when one device took it; retried when none did and one error was transient; failed otherwise.
 */
@Injectable()
export class PushChannel implements ChannelSender {
  readonly channel = 'push' as const;
  readonly callsBack = false;
  private readonly logger = new Logger('PushChannel');

  constructor(
    private readonly fcm: FcmSandbox,
    private readonly devices: DevicesRepository,
  ) {}

  async send(delivery: ClaimedDelivery): Promise<SendReceipt> {
    const devices = await this.devices.list(delivery.userId);
    if (devices.length === 0)
      throw new DeliveryFailure('NO_DEVICE', 'The user has no push device', true, 'suppressed');
    const sent: string[] = [];
    const errors: FcmError[] = [];
    for (const device of devices) {
      try {
        const { name } = await this.fcm.send({
          token: device.token,
          notification: { title: delivery.title, body: delivery.body },
          data: { notificationId: delivery.notificationId, kind: delivery.kind },
        });
        sent.push(name);
      } catch (error) {
        if (!(error instanceof FcmError)) throw error;
        errors.push(error);
        if (error.code === 'UNREGISTERED') {
          await this.devices.prune(device.id);
          this.logger.log(`pruned push device ${device.id}: UNREGISTERED`);
        }
      }
    }
    if (sent.length > 0) return { vendorMessageId: sent[0], status: 'sent' };
    const transient = errors.find((error) => TRANSIENT.has(error.code));
    const last = transient ?? errors[errors.length - 1];
    throw new DeliveryFailure(last.code, last.message, !transient);
  }
}
