import { Controller, Headers, HttpCode, Param, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrorResponses, Public } from '#monay/shared';
import { HandleKycWebhookCommand } from '../../application/commands/handle-kyc-webhook/handle-kyc-webhook.command';

/** The verification vendor's events. Signed as Persona signs (HMAC-SHA256 over the raw body), no user token. */
@ApiTags('kyc')
@Controller('webhooks/kyc')
export class KycWebhooksController {
  constructor(private readonly commands: CommandBus) {}

  @Public()
  @ApiErrorResponses(400, 401, 404, 409, 503)
  @Post(':vendor')
  @HttpCode(200)
  @ApiHeader({ name: 'Persona-Signature', required: true, description: 't=<unix seconds>,v1=<hex HMAC>' })
  @ApiOperation({
    summary: 'KYC vendor webhook (Persona events)',
    description:
      '404 for an unknown vendor, 401 for a missing, wrong or stale (5 minutes) signature. An authentic event is ' +
      'answered 200 (`duplicate: true` for one already handled); the inquiry is brought to what the vendor says ' +
      'when asked, never to the payload’s word. 409 `KYC_INQUIRY_NOT_LINKED_YET` for an event about an inquiry the ' +
      'vendor has that the start has not linked yet (the vendor delivers it again).',
  })
  async receive(
    @Param('vendor') vendor: string,
    @Headers('persona-signature') signature: string | undefined,
    @Req() request: RawBodyRequest<Request>,
  ) {
    return this.commands.execute(
      new HandleKycWebhookCommand(vendor, signature, request.rawBody, request.body as unknown),
    );
  }
}
