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
import { EventVersions1764900000000 } from './1764900000000-event-versions';
import { PreferencesTimezone1765000000000 } from './1765000000000-preferences-timezone';
import { Analytics1765000100000 } from './1765000100000-analytics';

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
  EventVersions1764900000000,
  PreferencesTimezone1765000000000,
  Analytics1765000100000,
];
