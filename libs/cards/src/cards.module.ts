import { Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { WalletModule } from '#monay/wallet';
import { CardAuthorizations } from './application/card-authorizations';
import { CARD_ISSUER } from './application/card-issuer.port';
import { CardLifecycle } from './application/card-lifecycle';
import { CardNetworkEvents } from './application/card-network-events';
import { CardCipher } from './infrastructure/card-cipher';
import { CardsRepository } from './infrastructure/cards.repository';
import { CardSandbox } from './infrastructure/sandbox/card-sandbox';
import { CardSandboxRepository } from './infrastructure/sandbox/card-sandbox.repository';
import { AdminCardNetworkController } from './interface/http/admin-card-network.controller';
import { CardWebhooksController } from './interface/http/card-webhooks.controller';
import { CardsController } from './interface/http/cards.controller';

/**
 * Virtual cards (DESIGN.md, cards): the issuer port with its Lithic/Stripe-shaped sandbox and simulated network,
 * cards and their controls, real-time authorizations as ledger holds, clearings, reversals, expiries and refunds
 * applied from signed webhooks.
 */
@Module({
  imports: [LedgerModule, WalletModule, IdentityModule],
  controllers: [CardsController, CardWebhooksController, AdminCardNetworkController],
  providers: [
    CardsRepository,
    CardCipher,
    CardSandboxRepository,
    CardSandbox,
    { provide: CARD_ISSUER, useExisting: CardSandbox },
    CardAuthorizations,
    CardNetworkEvents,
    CardLifecycle,
  ],
})
export class CardsModule {}
