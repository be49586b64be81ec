import { Controller, Headers, HttpCode, Param, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { parseAmountInput } from '#monay/kernel';
import { ApiErrorResponses, Public } from '#monay/shared';
import { CardAuthorizations } from '../../application/card-authorizations';
import { CardNetworkEvents, type SignedMessage } from '../../application/card-network-events';
import { CardWebhookPayloadInvalidError } from '../../domain/card.errors';

const REQUEST_ID = /^areq_[A-Za-z0-9]{1,64}$/;
const AUTHORIZATION_ID = /^auth_[A-Za-z0-9]{1,64}$/;
const CARD_ID = /^card_[A-Za-z0-9]{1,64}$/;

interface AuthorizationRequestBody {
  type?: unknown;
  id?: unknown;
  authorization_id?: unknown;
  card_id?: unknown;
  amount?: unknown;
  currency?: unknown;
  merchant?: { name?: unknown; mcc?: unknown; city?: unknown; country?: unknown };
  incremental?: unknown;
}

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
  constructor(
    private readonly authorizations: CardAuthorizations,
    private readonly events: CardNetworkEvents,
  ) {}

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
    this.events.authenticate(issuer, signed(headers, request));
    const body = (request.body ?? {}) as AuthorizationRequestBody;
    const merchant = body.merchant ?? {};
    if (body.type !== 'authorization.request' || typeof body.id !== 'string' || !REQUEST_ID.test(body.id)) {
      throw new CardWebhookPayloadInvalidError('id must be an authorization request id');
    }
    if (typeof body.authorization_id !== 'string' || !AUTHORIZATION_ID.test(body.authorization_id)) {
      throw new CardWebhookPayloadInvalidError('authorization_id must be an authorization id');
    }
    if (typeof body.card_id !== 'string' || !CARD_ID.test(body.card_id)) {
      throw new CardWebhookPayloadInvalidError('card_id must be a card id');
    }
    if (typeof body.amount !== 'number' || !Number.isSafeInteger(body.amount) || body.amount <= 0) {
      throw new CardWebhookPayloadInvalidError('amount must be a positive integer of cents');
    }
    if (
      typeof merchant.name !== 'string' ||
      typeof merchant.mcc !== 'string' ||
      !/^[0-9]{4}$/.test(merchant.mcc)
    ) {
      throw new CardWebhookPayloadInvalidError('merchant must have a name and a 4-digit mcc');
    }
    const amount = parseAmountInput(String(body.amount), 'USD', { field: 'amount' }).minor / 100n;
    const answer = await this.authorizations.decide({
      issuer,
      requestId: body.id,
      authorizationId: body.authorization_id,
      issuerCardId: body.card_id,
      amount,
      currency: typeof body.currency === 'string' ? body.currency : '',
      merchant: {
        name: merchant.name.slice(0, 80),
        mcc: merchant.mcc,
        city: typeof merchant.city === 'string' ? merchant.city.slice(0, 80) : null,
        country: typeof merchant.country === 'string' ? merchant.country.slice(0, 2) : null,
      },
      incremental: body.incremental === true,
    });
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
      ...(await this.events.receive(issuer, signed(headers, request), request.body as unknown)),
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
