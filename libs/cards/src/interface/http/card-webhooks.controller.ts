import { Controller, Headers, HttpCode, Param, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrorResponses, Public } from '#monay/shared';
import { CommandBus } from '@nestjs/cqrs';
import type { SignedMessage } from '../../application/card-network-events';
import { DecideAuthorizationCommand } from '../../application/commands/decide-authorization/decide-authorization.command';
import { HandleCardWebhookCommand } from '../../application/commands/handle-card-webhook/handle-card-webhook.command';

const signedHeaders = [
  ApiHeader({ name: 'webhook-id', required: true }),
  ApiHeader({ name: 'webhook-timestamp', required: true, description: 'unix seconds' }),
  ApiHeader({
    name: 'webhook-signature',
    required: true,
    description: 'v1,<base64 HMAC-SHA256 of id.timestamp.body>',
  }),
];

/** The card issuer's calls: signed as Standard Webhooks sign (`webhook-id`, `-timestamp`, `-signature`), no token. */
@ApiTags('cards')
@Controller('webhooks/cards')
export class CardWebhooksController {
  constructor(private readonly commands: CommandBus) {}

  @Public()
  @ApiErrorResponses(400, 401, 404)
  @Post(':issuer/authorize')
  @HttpCode(200)
  @applyAll(signedHeaders)
  @ApiOperation({
    summary: 'Real-time authorization (the issuer asks; approve or decline within 2 s)',
    description:
      'Decided in one transaction: the card OPEN, the merchant category not blocked, the card limits and the ' +
      'tier limits, funds available in the funding currency, and a ledger hold placed. Answers ' +
      '`{approved, declineCode}` with stable codes (CARD_PAUSED, CARD_CLOSED, CARD_LIMIT, TIER_LIMIT, ' +
      'INSUFFICIENT_FUNDS, MCC_BLOCKED, …); the same request id gets the same answer.',
  })
  async authorize(
    @Param('issuer') issuer: string,
    @Headers() headers: Record<string, string | undefined>,
    @Req() request: RawBodyRequest<Request>,
  ) {
    const answer = await this.commands.execute(
      new DecideAuthorizationCommand(issuer, signed(headers, request), request.body as unknown),
    );
    return { success: true, ...answer };
  }

  @Public()
  @ApiErrorResponses(400, 401, 404, 503)
  @Post(':issuer')
  @HttpCode(200)
  @applyAll(signedHeaders)
  @ApiOperation({
    summary: 'Card issuer webhook (authorization updates)',
    description:
      '401 for a missing, wrong or stale (5 minutes) signature; a `webhook-id` already received is answered ' +
      '`duplicate: true`. The authorization is brought to what the issuer answers when asked, each of its events ' +
      '(clearing, reversal, expiry, refund) applied once.',
  })
  async receive(
    @Param('issuer') issuer: string,
    @Headers() headers: Record<string, string | undefined>,
    @Req() request: RawBodyRequest<Request>,
  ) {
    return {
      success: true,
      ...(await this.commands.execute(
        new HandleCardWebhookCommand(issuer, signed(headers, request), request.body as unknown),
      )),
    };
  }
}

function signed(
  headers: Record<string, string | undefined>,
  request: RawBodyRequest<Request>,
): SignedMessage {
  return {
    id: headers['webhook-id'],
    timestamp: headers['webhook-timestamp'],
    signature: headers['webhook-signature'],
    rawBody: request.rawBody,
  };
}

function applyAll(decorators: MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorator of decorators) decorator(target, key, descriptor);
  };
}
