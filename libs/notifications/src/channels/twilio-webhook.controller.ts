import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrorResponses, AppConfig, Public } from '#monay/shared';
import { isValidTwilioSignature } from '../domain/twilio-signature';
import { DeliveriesRepository } from '../delivery/deliveries.repository';
import { InvalidWebhookSignatureError } from '../notifications.errors';

const STATUSES = new Set(['sent', 'delivered', 'undelivered', 'failed']);

/**
 * Twilio's message status callbacks (form-encoded, signed with X-Twilio-Signature). A bad signature is 401; a
 * repeated (sid, status) is acknowledged and ignored; statuses only move a delivery forward.
 */
@ApiTags('webhooks')
@Controller('webhooks/notifications')
export class TwilioWebhookController {
  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  @Public()
  @ApiErrorResponses(400, 401)
  @Post('twilio')
  @HttpCode(200)
  @ApiOperation({
    summary: 'SMS status callback (Twilio-shaped: MessageSid, MessageStatus, ErrorCode; X-Twilio-Signature)',
  })
  async status(@Req() request: Request, @Headers('x-twilio-signature') signature: string | undefined) {
    const params = formParams(request.body);
    const base = this.config.notifications.webhookUrl ?? `${request.protocol}://${request.get('host') ?? ''}`;
    const url = `${base.replace(/\/api\/webhooks\/notifications\/twilio$/, '')}${request.originalUrl}`;
    if (!isValidTwilioSignature(this.config.notifications.twilioAuthToken, url, params, signature)) {
      throw new InvalidWebhookSignatureError();
    }
    const sid = params.MessageSid;
    const status = params.MessageStatus;
    if (!sid || !status || !STATUSES.has(status)) return { success: true, applied: false };
    if (!(await this.deliveries.firstCallback(sid, status)))
      return { success: true, applied: false, duplicate: true };
    const known = await this.deliveries.applyVendorStatus(
      'sms',
      sid,
      status as 'sent' | 'delivered' | 'undelivered' | 'failed',
      params.ErrorCode ?? null,
    );
    return { success: true, applied: known };
  }
}

/** The form fields as strings (a JSON body, which Twilio never sends, gives none). */
function formParams(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}
