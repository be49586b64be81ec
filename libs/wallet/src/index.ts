export { WalletModule } from './wallet.module';
export { WalletAccess, toWalletView, type WalletView } from './application/wallet-access';
export { GetBalanceQuery, type BalanceReport } from './application/queries/get-balance/get-balance.query';
export {
  GetLimitsQuery,
  type LimitsReport,
  type LimitWindow,
  type TierAllowance,
} from './application/queries/get-limits/get-limits.query';
export { allowanceOf } from './application/queries/get-limits/get-limits.handler';
export { TIER_NAMES, levelOf, type KycLevel, type TierName, type TierLimits } from './domain/limit-tiers';
export { GetPreferencesQuery } from './application/queries/get-preferences/get-preferences.query';
export type { Preferences } from './application/commands/update-preferences/update-preferences.command';
export * from './domain/events';
export { isWalletAddress } from './domain/wallet-address';
export * from './domain/wallet.errors';
export type { WalletOrmEntity as Wallet } from './infrastructure/wallet.orm-entity';
