import { Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { WalletModule } from '#monay/wallet';
import { MOVEMENT_CONTROLLERS, MOVEMENT_PROVIDERS } from './movements/movements.providers';
import { PayoutDestinations } from './movements/payout-destinations';
import {
  RECONCILIATION_CONTROLLERS,
  RECONCILIATION_PROVIDERS,
} from './reconciliation/reconciliation.providers';
import { ROUTING_CONTROLLERS, ROUTING_PROVIDERS } from './routing/routing.providers';
import { SWAP_CONTROLLERS, SWAP_PROVIDERS } from './swaps/swaps.providers';
import { SANDBOX_CONTROLLERS, SANDBOX_PROVIDERS } from './sandbox/sandbox.providers';

/**
 * Money in and out through stablecoin providers (DESIGN.md, Providers): the sandbox adapters behind one port,
 * the router (priority, breakers, fallback), deposits, withdrawals, external transfers, swaps and
 * provider reconciliation.
 */
@Module({
  imports: [LedgerModule, WalletModule, IdentityModule],
  controllers: [
    ...SANDBOX_CONTROLLERS,
    ...ROUTING_CONTROLLERS,
    ...MOVEMENT_CONTROLLERS,
    ...SWAP_CONTROLLERS,
    ...RECONCILIATION_CONTROLLERS,
  ],
  providers: [
    ...SANDBOX_PROVIDERS,
    ...ROUTING_PROVIDERS,
    ...MOVEMENT_PROVIDERS,
    ...SWAP_PROVIDERS,
    ...RECONCILIATION_PROVIDERS,
  ],
  exports: [PayoutDestinations],
})
export class ProvidersModule {}
