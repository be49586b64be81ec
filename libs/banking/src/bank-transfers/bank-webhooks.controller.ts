import { Controller, Headers, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrorResponses, Public } from '#monay/shared';
import { DwollaWebhookHandler } from './dwolla-webhook.handler';

/** The bank rail's events, signed as Dwolla signs them (HMAC-SHA256 of the raw body); no user token. */
@ApiTags('bank-transfers')
@Controller('webhooks/bank')
export class BankWebhooksController {
  constructor(private readonly handler: DwollaWebhookHandler) {}

  @Public()
  @Post('dwolla')
  @HttpCode(200)
  @ApiErrorResponses(400, 401)
  @ApiHeader({
    name: 'X-Request-Signature-SHA-256',
    required: true,
    description: 'hex HMAC-SHA256 of the body',
  })
  @ApiOperation({
    summary: 'Bank rail webhook (Dwolla events)',
    description:
      '401 for a missing or wrong signature. An authentic event is answered 200 (`duplicate: true` for one already ' +
      'handled); the transfer is brought to the status the rail answers when asked, never the payload’s word.',
  })
  receive(
    @Headers('x-request-signature-sha-256') signature: string | undefined,
    @Req() request: RawBodyRequest<Request>,
  ) {
    return this.handler.handle(request.rawBody, signature, request.body as unknown);
  }
}
