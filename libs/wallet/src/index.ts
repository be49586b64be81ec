export { WalletModule } from './wallet.module';
export { WalletAccess, toWalletView, type WalletView } from './application/wallet-access';
export { GetBalanceQuery, type BalanceReport } from './application/queries/get-balance/get-balance.query';
export { GetLimitsQuery, type LimitsReport } from './application/queries/get-limits/get-limits.query';
export { WalletCredited, type WalletCreditedPayload } from './domain/events/wallet-credited.event';
export { isWalletAddress } from './domain/wallet-address';
export * from './domain/wallet.errors';
export type { WalletOrmEntity as Wallet } from './infrastructure/wallet.orm-entity';
