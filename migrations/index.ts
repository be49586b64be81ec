import { Identity1763700000000 } from './1763700000000-identity';
import { OutboxAndIdempotency1763750000000 } from './1763750000000-outbox-and-idempotency';
import { Ledger1763800000000 } from './1763800000000-ledger';
import { Wallet1763800100000 } from './1763800100000-wallet';
import { Transfers1763800200000 } from './1763800200000-transfers';
import { Insights1763800300000 } from './1763800300000-insights';
import { RecurringTransfers1763800400000 } from './1763800400000-recurring-transfers';
import { Notifications1763800500000 } from './1763800500000-notifications';
import { Providers1763800600000 } from './1763800600000-providers';
import { ProviderMovements1763800700000 } from './1763800700000-provider-movements';
import { Swaps1763800800000 } from './1763800800000-swaps';
import { ProviderReconciliation1763800900000 } from './1763800900000-provider-reconciliation';
import { EmailVerification1763802000000 } from './1763802000000-email-verification';
import { SandboxLateWrites1763802050000 } from './1763802050000-sandbox-late-writes';
import { MovementHoldsDoNotExpire1763802100000 } from './1763802100000-movement-holds-do-not-expire';
import { LedgerSeals1763802150000 } from './1763802150000-ledger-seals';
import { DepositLimitUsage1763802200000 } from './1763802200000-deposit-limit-usage';
import { ActivityCounterpartyDisplay1763802250000 } from './1763802250000-activity-counterparty-display';
import { ProviderMovementExceptions1763802300000 } from './1763802300000-provider-movement-exceptions';
import { EventVersions1764900000000 } from './1764900000000-event-versions';
import { SandboxClock1764900100000 } from './1764900100000-sandbox-clock';
import { PreferencesTimezone1765000000000 } from './1765000000000-preferences-timezone';
import { Analytics1765000100000 } from './1765000100000-analytics';
import { AccountSecurity1765100000000 } from './1765100000000-account-security';
import { DevMailbox1765100100000 } from './1765100100000-dev-mailbox';
import { ParkedEvents1765150000000 } from './1765150000000-parked-events';
import { NotificationDelivery1765300000000 } from './1765300000000-notification-delivery';
import { Kyc1765400000000 } from './1765400000000-kyc';
import { Banking1765500000000 } from './1765500000000-banking';
import { BillPay1765500100000 } from './1765500100000-bill-pay';
import { Cards1765600000000 } from './1765600000000-cards';
import { EverydayMoney1765700000000 } from './1765700000000-everyday-money';
import { P2pInvites1765700100000 } from './1765700100000-p2p-invites';
import { AutoConvertPreference1765700200000 } from './1765700200000-auto-convert-preference';
import { AutoBalance1765700300000 } from './1765700300000-auto-balance';
import { Rewards1765800000000 } from './1765800000000-rewards';
import { TempoChain1765900000000 } from './1765900000000-tempo-chain';
import { AllOrNothing1766000000000 } from './1766000000000-all-or-nothing';
import { StaleDeliveryClaims1766100000000 } from './1766100000000-stale-delivery-claims';
import { DevMailboxRaw1766100100000 } from './1766100100000-dev-mailbox-raw';

/** Every migration, in order. Additive only: `npm run lint:migrations` refuses destructive statements. */
export const migrations = [
  Identity1763700000000,
  OutboxAndIdempotency1763750000000,
  Ledger1763800000000,
  Wallet1763800100000,
  Transfers1763800200000,
  Insights1763800300000,
  RecurringTransfers1763800400000,
  Notifications1763800500000,
  Providers1763800600000,
  ProviderMovements1763800700000,
  Swaps1763800800000,
  ProviderReconciliation1763800900000,
  EmailVerification1763802000000,
  SandboxLateWrites1763802050000,
  MovementHoldsDoNotExpire1763802100000,
  LedgerSeals1763802150000,
  DepositLimitUsage1763802200000,
  ActivityCounterpartyDisplay1763802250000,
  ProviderMovementExceptions1763802300000,
  EventVersions1764900000000,
  SandboxClock1764900100000,
  PreferencesTimezone1765000000000,
  Analytics1765000100000,
  AccountSecurity1765100000000,
  DevMailbox1765100100000,
  ParkedEvents1765150000000,
  NotificationDelivery1765300000000,
  Kyc1765400000000,
  Banking1765500000000,
  BillPay1765500100000,
  Cards1765600000000,
  EverydayMoney1765700000000,
  P2pInvites1765700100000,
  AutoConvertPreference1765700200000,
  AutoBalance1765700300000,
  Rewards1765800000000,
  TempoChain1765900000000,
  AllOrNothing1766000000000,
  StaleDeliveryClaims1766100000000,
  DevMailboxRaw1766100100000,
];
