import { defineEvents } from '#monay/shared';
import type { TimeZoneChangedPayload } from './time-zone-changed.event';
import type { WalletCreditedPayload } from './wallet-credited.event';

export * from './time-zone-changed.event';
export * from './wallet-credited.event';

/** The wallet's money movements (old journals only: deposits now go through providers). */
export interface WalletMovementEvents {
  WalletCredited: WalletCreditedPayload;
}

/** Every event of the wallet context (docs/architecture.md, "Events and the outbox"). */
export interface WalletEvents extends WalletMovementEvents {
  TimeZoneChanged: TimeZoneChangedPayload;
}

export const walletEvents = defineEvents<WalletEvents>('wallet', {
  WalletCredited: { version: 1 },
  TimeZoneChanged: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends WalletEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface MoneyMovementEvents extends WalletMovementEvents {}
}
