import { Controller, Headers, HttpCode, Param, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public, ApiErrorResponses } from '#monay/shared';
import { HandleProviderWebhookCommand } from './handle-provider-webhook.command';

/** Providers tell us a transaction changed. Signed (HMAC-SHA256 over the raw body), no user token. */
@ApiTags('providers')
@Controller('webhooks/providers')
export class ProviderWebhooksController {
  constructor(private readonly commands: CommandBus) {}

  @Public()
  @ApiErrorResponses(400, 401, 404)
  @Post(':name')
  @HttpCode(200)
  @ApiHeader({ name: 'Webhook-Id', required: true, description: 'The notification id (deduplicated)' })
  @ApiHeader({ name: 'Webhook-Signature', required: true, description: 't=<unix seconds>,v1=<hex HMAC>' })
  @ApiOperation({
    summary: 'Provider transaction webhook',
    description:
      '404 for an unknown provider, 401 for a missing, wrong or expired signature. An authentic notification ' +
      'is answered 200 (`duplicate: true` for one already handled); the movement is settled on what the ' +
      'provider then says when asked, never on the payload alone.',
  })
  async receive(
    @Param('name') name: string,
    @Headers('webhook-id') webhookId: string | undefined,
    @Headers('webhook-signature') signature: string | undefined,
    @Req() request: RawBodyRequest<Request>,
  ) {
    return this.commands.execute(
      new HandleProviderWebhookCommand(name, webhookId, signature, request.rawBody, request.body as unknown),
    );
  }
}
