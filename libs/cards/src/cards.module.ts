import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { WalletModule } from '#monay/wallet';
import { CardAuthorizations } from './application/card-authorizations';
import { IssueCardHandler } from './application/commands/issue-card/issue-card.handler';
import { FreezeCardHandler } from './application/commands/freeze-card/freeze-card.handler';
import { SetCardLimitsHandler } from './application/commands/set-card-limits/set-card-limits.handler';
import { CloseCardHandler } from './application/commands/close-card/close-card.handler';
import { ReportCardHandler } from './application/commands/report-card/report-card.handler';
import { RevealCardHandler } from './application/commands/reveal-card/reveal-card.handler';
import { DecideAuthorizationHandler } from './application/commands/decide-authorization/decide-authorization.handler';
import { HandleCardWebhookHandler } from './application/commands/handle-card-webhook/handle-card-webhook.handler';
import { GetCardHandler } from './application/queries/get-card/get-card.handler';
import { ListCardsHandler } from './application/queries/list-cards/list-cards.handler';
import { ListCardTransactionsHandler } from './application/queries/list-card-transactions/list-card-transactions.handler';
import { CARD_ISSUER } from './application/card-issuer.port';
import { CardLifecycle } from './application/card-lifecycle';
import { CardNetworkEvents } from './application/card-network-events';
import { CardCipher } from './infrastructure/card-cipher';
import { CardsRepository } from './infrastructure/cards.repository';
import { CardNetworkExpiryProcessor } from './infrastructure/sandbox/card-network-expiry.processor';
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
  imports: [CqrsModule, LedgerModule, WalletModule, IdentityModule],
  controllers: [CardsController, CardWebhooksController, AdminCardNetworkController],
  providers: [
    CardsRepository,
    CardCipher,
    CardSandboxRepository,
    CardSandbox,
    CardNetworkExpiryProcessor,
    { provide: CARD_ISSUER, useExisting: CardSandbox },
    CardAuthorizations,
    CardNetworkEvents,
    CardLifecycle,
    IssueCardHandler,
    FreezeCardHandler,
    SetCardLimitsHandler,
    CloseCardHandler,
    ReportCardHandler,
    RevealCardHandler,
    DecideAuthorizationHandler,
    HandleCardWebhookHandler,
    GetCardHandler,
    ListCardsHandler,
    ListCardTransactionsHandler,
  ],
})
export class CardsModule {}
