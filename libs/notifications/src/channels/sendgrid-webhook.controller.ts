import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { KeyObject } from 'node:crypto';
import type { Request } from 'express';
import { ApiErrorResponses, AppConfig, Public } from '#monay/shared';
import {
  isValidSendgridSignature,
  sandboxSigningKey,
  sendgridVerificationKey,
} from '../domain/sendgrid-signature';
import { DeliveriesRepository } from '../delivery/deliveries.repository';
import { InvalidEmailEventsError, InvalidWebhookSignatureError } from '../notifications.errors';
import type { SendGridEvent } from './sendgrid-api';

/** What an event means for a delivery; the others (open, click, deferred …) move nothing. */
const STATUS_OF: Partial<Record<SendGridEvent['event'], 'sent' | 'delivered' | 'undelivered' | 'failed'>> = {
  processed: 'sent',
  delivered: 'delivered',
  bounce: 'undelivered',
  dropped: 'failed',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * SendGrid's event webhook: a JSON array of events, signed with ECDSA (X-Twilio-Email-Event-Webhook-Signature over
 * the -Timestamp header and the raw body). A bad or stale signature is 401. Each event names its delivery by the
 * custom argument `delivery_id` our request gave it, and only moves it forward (sent → delivered, or bounced:
 * undelivered; dropped: failed): a repeated event (SendGrid retries posts) or a late one moves nothing, so no event id
 * needs keeping. The answer counts the deliveries that moved.
 */
@ApiTags('webhooks')
@Controller('webhooks/notifications')
export class SendGridWebhookController {
  private readonly verificationKey: KeyObject | null;

  constructor(
    config: AppConfig,
    private readonly deliveries: DeliveriesRepository,
  ) {
    const configured = config.notifications.sendgrid.webhookPublicKey;
    this.verificationKey = sendgridVerificationKey(
      configured ?? sandboxSigningKey(config.auth.accessSecret).verificationKey,
    );
    if (!this.verificationKey) {
      throw new Error('SENDGRID_WEBHOOK_PUBLIC_KEY is not a public key (base64 DER, as SendGrid shows it)');
    }
  }

  @Public()
  @ApiErrorResponses(400, 401)
  @Post('sendgrid')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Email events (SendGrid-shaped: a JSON array of processed, delivered, bounce, dropped … with sg_event_id and ' +
      'our delivery_id; X-Twilio-Email-Event-Webhook-Signature and -Timestamp)',
  })
  async events(
    @Req() request: Request & { rawBody?: Buffer },
    @Headers('x-twilio-email-event-webhook-signature') signature: string | undefined,
    @Headers('x-twilio-email-event-webhook-timestamp') timestamp: string | undefined,
  ) {
    if (!isValidSendgridSignature(this.verificationKey, timestamp, request.rawBody, signature)) {
      throw new InvalidWebhookSignatureError();
    }
    const body: unknown = request.body;
    if (!Array.isArray(body)) throw new InvalidEmailEventsError();
    const events = body as Array<Partial<SendGridEvent>>;
    const applicable = events.flatMap((event) => {
      if (typeof event !== 'object' || event === null) return [];
      const status = event.event ? STATUS_OF[event.event] : undefined;
      const deliveryId = event.delivery_id;
      if (!status || typeof deliveryId !== 'string' || !UUID.test(deliveryId)) return [];
      const errorCode =
        event.event === 'bounce'
          ? `SENDGRID_BOUNCE${event.status ? `_${event.status}` : ''}`
          : event.event === 'dropped'
            ? 'SENDGRID_DROPPED'
            : null;
      return [{ deliveryId, status, errorCode }];
    });
    const moved = await this.deliveries.applyEmailEvents(applicable);
    return { success: true, received: events.length, moved };
  }
}
