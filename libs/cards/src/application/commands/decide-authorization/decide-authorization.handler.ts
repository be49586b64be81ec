import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CardWebhookPayloadInvalidError } from '../../../domain/card.errors';
import {
  CardAuthorizations,
  type AuthorizationAnswer,
  type AuthorizationRequest,
} from '../../card-authorizations';
import { CardNetworkEvents } from '../../card-network-events';
import { DecideAuthorizationCommand } from './decide-authorization.command';

const REQUEST_ID = /^areq_[A-Za-z0-9]{1,64}$/;
const AUTHORIZATION_ID = /^auth_[A-Za-z0-9]{1,64}$/;
const CARD_ID = /^card_[A-Za-z0-9]{1,64}$/;
const MCC = /^[0-9]{4}$/;
/** The largest amount a network asks for, in cents (a card network's amounts are far below it). */
const MAX_CENTS = 1_000_000_000_000;

interface AuthorizationRequestBody {
  type?: unknown;
  id?: unknown;
  authorization_id?: unknown;
  card_id?: unknown;
  amount?: unknown;
  currency?: unknown;
  merchant?: { name?: unknown; mcc?: unknown; city?: unknown; country?: unknown } | null;
  incremental?: unknown;
}

/**
 * Authenticity first (401 before anything is read), then the question's shape (400), then the decision in one
 * transaction (CardAuthorizations).
 */
@CommandHandler(DecideAuthorizationCommand)
export class DecideAuthorizationHandler implements ICommandHandler<DecideAuthorizationCommand> {
  constructor(
    private readonly authorizations: CardAuthorizations,
    private readonly events: CardNetworkEvents,
  ) {}

  async execute(command: DecideAuthorizationCommand): Promise<AuthorizationAnswer> {
    this.events.authenticate(command.issuer, command.message);
    return this.authorizations.decide(requestOf(command.issuer, command.body));
  }
}

function requestOf(issuer: string, raw: unknown): AuthorizationRequest {
  const body = (raw ?? {}) as AuthorizationRequestBody;
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
  if (
    typeof body.amount !== 'number' ||
    !Number.isSafeInteger(body.amount) ||
    body.amount <= 0 ||
    body.amount > MAX_CENTS
  ) {
    throw new CardWebhookPayloadInvalidError('amount must be a positive integer of cents');
  }
  if (typeof merchant.name !== 'string' || typeof merchant.mcc !== 'string' || !MCC.test(merchant.mcc)) {
    throw new CardWebhookPayloadInvalidError('merchant must have a name and a 4-digit mcc');
  }
  return {
    issuer,
    requestId: body.id,
    authorizationId: body.authorization_id,
    issuerCardId: body.card_id,
    // The JSON integer, exactly (it is a safe integer): USD cents.
    amount: BigInt(body.amount),
    currency: typeof body.currency === 'string' ? body.currency : '',
    merchant: {
      name: merchant.name.slice(0, 80),
      mcc: merchant.mcc,
      city: typeof merchant.city === 'string' ? merchant.city.slice(0, 80) : null,
      country: typeof merchant.country === 'string' ? merchant.country.slice(0, 2) : null,
    },
    incremental: body.incremental === true,
  };
}
